import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from './cursor';
import type { Page } from './cursor';
import type { AuthEventType, AuthEventView } from './event-types';

interface EventRow {
  id: string;
  type: AuthEventType;
  at: Date;
  user_id: string | null;
  session_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

export interface EventFilter {
  userId?: string;
  type?: AuthEventType;
  cursor?: string;
  limit: number;
}

/** Pages through the audit trail, newest first, by id (a keyset: no OFFSET, stable under inserts). */
@Injectable()
export class EventQuery {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: EventFilter): Promise<Page<AuthEventView>> {
    const before = decodeCursor('e', filter.cursor, /^[1-9][0-9]{0,18}$/);
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT id, type, at, user_id, session_id, ip, user_agent, details FROM auth_events
       WHERE ($1::uuid IS NULL OR user_id = $1::uuid) AND ($2::text IS NULL OR type = $2::text)
         AND ($3::bigint IS NULL OR id < $3::bigint)
       ORDER BY id DESC LIMIT $4`,
      [filter.userId ?? null, filter.type ?? null, before ?? null, filter.limit + 1],
    );
    const items = rows.slice(0, filter.limit).map(toView);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > filter.limit && last ? encodeCursor('e', last.id) : null,
    };
  }
}

export function toView(row: EventRow): AuthEventView {
  return {
    id: String(row.id),
    type: row.type,
    at: row.at,
    userId: row.user_id,
    sessionId: row.session_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details ?? {},
  };
}
