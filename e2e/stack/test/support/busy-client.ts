import { PASSWORD, call, login } from './client';
import type { Answer, Login } from './client';
import { sleep } from './service-process';

/** The `kid` header and `exp` claim of an access token (read, not verified). */
export function tokenInfo(token: string): {
  kid: string;
  exp: number;
  claims: Record<string, unknown>;
} {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map(
      (part) =>
        JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>,
    );
  return { kid: String(header.kid), exp: Number(payload.exp), claims: payload };
}

/**
 * A client that never stops working during an operation (a key rotation, a restart): it logs
 * in every few seconds, refreshes often, and calls protected routes with its current access
 * token in between. Every answer that is not a success is recorded, with what was asked.
 */
export class BusyClient {
  calls = 0;
  readonly failures: string[] = [];
  /** For each signing key seen: the latest `exp` of the tokens it signed (seconds). */
  readonly expiryByKid = new Map<string, number>();
  /** Keys whose tokens a protected route accepted. */
  readonly acceptedKids = new Set<string>();
  private stopping = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly authUrl: string,
    private readonly email: string,
    /** Protected GET routes to call with the access token (e.g. `<catalog>/catalog/me`). */
    private readonly routes: string[],
    private readonly timing = { refreshEveryMs: 500, loginEveryMs: 3000, pauseMs: 40 },
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    let session = await this.remember(await login(this.authUrl, this.email));
    let refreshedAt = Date.now();
    let loggedInAt = Date.now();
    while (!this.stopping) {
      const now = Date.now();
      if (now - loggedInAt >= this.timing.loginEveryMs) {
        session =
          (await this.ask('login', () =>
            call<Login>(`${this.authUrl}/auth/login`, {
              body: { email: this.email, password: PASSWORD },
            }),
          )) ?? session;
        loggedInAt = refreshedAt = now;
      } else if (now - refreshedAt >= this.timing.refreshEveryMs) {
        const body = { refreshToken: session.refreshToken };
        session =
          (await this.ask('refresh', () =>
            call<Login>(`${this.authUrl}/auth/refresh`, { body }),
          )) ?? session;
        refreshedAt = now;
      }
      for (const route of this.routes) {
        const res = await this.count(`GET ${route}`, () =>
          call(route, { token: session.accessToken }),
        );
        if (res.status === 200) this.acceptedKids.add(tokenInfo(session.accessToken).kid);
      }
      await sleep(this.timing.pauseMs);
    }
  }

  /** A login or refresh: the new session when it succeeded. */
  private async ask(
    what: string,
    request: () => Promise<Answer<Login>>,
  ): Promise<Login | undefined> {
    const res = await this.count(what, request);
    return res.status === 200 ? this.remember(res.body) : undefined;
  }

  private remember(session: Login): Login {
    const { kid, exp } = tokenInfo(session.accessToken);
    this.expiryByKid.set(kid, Math.max(exp, this.expiryByKid.get(kid) ?? 0));
    return session;
  }

  private async count<T>(what: string, request: () => Promise<Answer<T>>): Promise<Answer<T>> {
    this.calls += 1;
    try {
      const res = await request();
      if (res.status !== 200)
        this.failures.push(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      return res;
    } catch (error) {
      this.failures.push(`${what}: ${String(error)}`);
      return { status: 0, body: {} as T, headers: new Headers() };
    }
  }
}
