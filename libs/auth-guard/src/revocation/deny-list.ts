import type { AuthUser } from '../auth-user';
import type { Role } from '../constants';

interface UserMark {
  role: Role;
  /** Tokens issued (`iat`, seconds) before this second predate the change. */
  staleBefore: number;
  dropAt: number;
}

/**
 * What the guard knows of revocations, in memory, each entry only as long as a token it
 * could affect can still be alive (`retentionMs` = longest token lifetime + leeway after
 * the event). Memory is bounded by the revocation rate times that window, not by users.
 *
 * - A revoked session id refuses every token of that session: no new token is ever issued
 *   for a revoked session, so once the retention has passed no such token can be alive.
 * - A user mark holds the user's role after a change: a token carrying another role was
 *   issued before the change (or raced it) and is stale. So is any token issued in an
 *   earlier second than the change, whatever it carries: that is how a change that shows
 *   in no role (a verified or changed e-mail address) reaches every token that predates
 *   it. Tokens issued after the change carry the new state and pass. `iat` has whole
 *   seconds, so a token issued in the very second of the change, before it, still passes
 *   on the time rule (the role rule still catches a role it carries).
 *
 * Applying an event twice is harmless: it only extends the retention.
 */
export class DenyList {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, UserMark>();
  /** Disabled clients: exchanged tokens they obtained (`act.sub`) up to that second are refused. */
  private readonly clients = new Map<string, { staleBefore: number; dropAt: number }>();

  constructor(private readonly retentionMs: number) {}

  revokeSession(sessionId: string, atMs: number): void {
    const dropAt = atMs + this.retentionMs;
    const current = this.sessions.get(sessionId);
    if (current !== undefined && current >= dropAt) return;
    // Delete first so the entry moves to the end: Map order stays (roughly) dropAt order.
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, dropAt);
  }

  markUser(userId: string, role: Role, atMs: number): void {
    const dropAt = atMs + this.retentionMs;
    const current = this.users.get(userId);
    if (current !== undefined && current.dropAt > dropAt) return;
    this.users.delete(userId);
    this.users.set(userId, { role, staleBefore: Math.floor(atMs / 1000), dropAt });
  }

  /**
   * A client disabled at `atMs`: every token it obtained by exchange until then is refused.
   * `iat` <= that second, so a token issued in the very second of the change is refused too
   * (a disabled client cannot get one, and a re-enabled one gets fresh ones after it).
   */
  disableClient(clientId: string, atMs: number): void {
    const dropAt = atMs + this.retentionMs;
    this.clients.delete(clientId);
    this.clients.set(clientId, { staleBefore: Math.floor(atMs / 1000), dropAt });
  }

  /** The refusal code for this token, or undefined when nothing is known against it. */
  check(user: AuthUser): 'session_revoked' | 'token_stale' | 'invalid_token' | undefined {
    if (this.sessions.size > 0 && this.sessions.has(user.sessionId)) return 'session_revoked';
    if (this.clients.size > 0 && user.actor !== undefined) {
      const mark = this.clients.get(user.actor);
      if (mark !== undefined && user.issuedAt <= mark.staleBefore) return 'invalid_token';
    }
    if (this.users.size > 0) {
      const mark = this.users.get(user.userId);
      if (mark !== undefined && (mark.role !== user.role || user.issuedAt < mark.staleBefore)) {
        return 'token_stale';
      }
    }
    return undefined;
  }

  /** Drops entries past their retention. Entries are in arrival order, so it stops early. */
  sweep(nowMs: number): number {
    let dropped = 0;
    const maps = [this.sessions, this.users, this.clients] as Map<
      string,
      number | { dropAt: number }
    >[];
    for (const map of maps) {
      for (const [key, value] of map) {
        const dropAt = typeof value === 'number' ? value : value.dropAt;
        if (dropAt > nowMs) break;
        map.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  clear(): void {
    this.sessions.clear();
    this.users.clear();
    this.clients.clear();
  }

  get size(): { sessions: number; users: number } {
    return { sessions: this.sessions.size, users: this.users.size };
  }
}
