import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Backends, bearer } from './backends';
import type { BenchRequest } from './backends';

interface SessionRow {
  user_id: string;
  role: string;
  expires_at: Date;
  revoked_at: Date | null;
}

// A named statement is parsed and planned once per connection, then only executed.
const SESSION_BY_ID = {
  name: 'bench-session-by-id',
  text: 'SELECT user_id, role, expires_at, revoked_at FROM sessions WHERE id = $1',
};

/** Session-only, PostgreSQL: the opaque session id looked up by primary key on every request. */
@Injectable()
export class SessionPgGuard implements CanActivate {
  constructor(private readonly backends: Backends) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    const id = bearer(request.headers);
    if (!id) throw new UnauthorizedException();
    this.backends.calls.postgres += 1;
    const { rows } = await this.backends.pool.query<SessionRow>({ ...SESSION_BY_ID, values: [id] });
    const row = rows[0];
    if (!row || row.revoked_at !== null || row.expires_at.getTime() <= Date.now()) {
      throw new UnauthorizedException();
    }
    request.user = { userId: row.user_id, sessionId: id, role: row.role };
    return true;
  }
}
