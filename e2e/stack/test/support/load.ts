import { PASSWORD, call } from './client';
import type { Answer, Login } from './client';
import { sleep } from './service-process';

const RETRY_MS = 20_000;

/** A request of the load: what it was and what came back when it did not succeed. */
export interface Failure {
  what: string;
  status: number;
  code?: unknown;
  /** ms since the load started. */
  at: number;
}

/**
 * Users that log in, refresh, read from every downstream service and log out, through the
 * gateway, until stopped. A 503 `unavailable` (the contract's retryable answer, Retry-After)
 * is counted and retried; any other unexpected answer is a failure.
 */
export class Load {
  requests = 0;
  retried = 0;
  /** The longest a request took, from its first attempt to its answer. */
  longestWaitMs = 0;
  /** The same, among the requests that met a 503 and were retried. */
  longestRetriedMs = 0;
  /** Each 503 retried: which request, when (ms since the load started), and its message. */
  readonly retries: { what: string; at: number; message: unknown }[] = [];
  readonly failures: Failure[] = [];
  /** Sessions left open: their latest refresh token. */
  readonly open: Login[] = [];
  /** Sessions logged out: their last access token. */
  readonly revoked: string[] = [];
  private stopping = false;
  private readonly started = Date.now();
  private running: Promise<void>[] = [];

  constructor(private readonly gateway: string) {}

  start(emails: string[]): void {
    this.running = emails.map((email, i) => this.user(email, i));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** One user's loop: a session per round, left open every other round. */
  private async user(email: string, index: number): Promise<void> {
    for (let round = 0; !this.stopping && round < 10_000; round++) {
      const login = await this.send<Login>('login', 200, '/auth/login', {
        body: { email, password: PASSWORD },
      });
      if (!login) continue;
      let session = login;
      for (let step = 0; step < 3 && !this.stopping; step++) {
        const token = session.accessToken;
        await this.send('catalog', 200, '/catalog/me', { token });
        await this.send('orders', 200, '/orders', { token });
        await this.send('billing', 200, '/billing/summary', { token });
        const next = await this.send<Login>('refresh', 200, '/auth/refresh', {
          body: { refreshToken: session.refreshToken },
        });
        if (next) session = next;
      }
      if ((round + index) % 2 === 0) {
        this.open.push(session);
        continue;
      }
      const out = await this.send('logout', 204, '/auth/logout', {
        method: 'POST',
        token: session.accessToken,
      });
      if (out) this.revoked.push(session.accessToken);
    }
  }

  /** One request, retried on 503 `unavailable` (bounded); undefined when it failed. */
  private async send<T>(
    what: string,
    expected: number,
    path: string,
    init: Parameters<typeof call>[1],
  ): Promise<T | undefined> {
    const first = Date.now();
    // Bounded: a 503 `unavailable` is retried for RETRY_MS at most, then it is a failure.
    for (let attempt = 0; attempt < 1_000; attempt++) {
      this.requests++;
      let res: Answer<T>;
      try {
        res = await call<T>(`${this.gateway}${path}`, init);
      } catch (error) {
        this.failures.push({ what, status: 0, code: String(error), at: this.since() });
        return undefined;
      }
      const code = (res.body as Record<string, unknown>).code;
      const waited = Date.now() - first;
      if (res.status === 503 && code === 'unavailable' && waited < RETRY_MS) {
        this.retried++;
        const message = (res.body as Record<string, unknown>).message;
        this.retries.push({ what, at: this.since(), message });
        await sleep(250);
        continue;
      }
      this.longestWaitMs = Math.max(this.longestWaitMs, waited);
      if (attempt > 0) this.longestRetriedMs = Math.max(this.longestRetriedMs, waited);
      if (res.status === expected) return res.body;
      this.failures.push({ what, status: res.status, code, at: this.since() });
      return undefined;
    }
    return undefined;
  }

  private since(): number {
    return Date.now() - this.started;
  }
}
