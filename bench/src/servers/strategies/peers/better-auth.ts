import type { Pool } from 'pg';

/**
 * better-auth, set up as its documentation shows for PostgreSQL: a `pg` Pool as `database`,
 * email and password sign-in, database sessions; optionally `session.cookieCache` with the
 * documented example's 5-minute `maxAge`.
 *
 * better-auth ships ES modules only. This package is CommonJS, so it is loaded here, and only
 * here, with a dynamic `import()` (TypeScript keeps `import()` as it is under `nodenext`).
 * Both the strategies server (the measured routes) and the bench's setup (which creates the
 * users and sessions through better-auth's own sign-up and sign-in API) build it from this file,
 * so the two agree on the secret, the base URL and therefore the cookie names and signatures.
 */
export interface BetterAuthSettings {
  pool: Pool;
  /** BETTER_AUTH_SECRET: signs the session cookie and the cookie cache. */
  secret: string;
  baseURL: string;
  cookieCache: boolean;
}

/** The documented example's cookie cache lifetime (seconds): a revoked session lives this long. */
export const COOKIE_CACHE_MAX_AGE_SECONDS = 5 * 60;

function options(settings: BetterAuthSettings) {
  return {
    database: settings.pool,
    secret: settings.secret,
    baseURL: settings.baseURL,
    emailAndPassword: { enabled: true },
    // Its usage report is opt-in already; said explicitly so a bench run never phones home.
    telemetry: { enabled: false },
    session: settings.cookieCache
      ? { cookieCache: { enabled: true, maxAge: COOKIE_CACHE_MAX_AGE_SECONDS } }
      : {},
  };
}

/** A better-auth instance; its `api.getSession` is what the routes measure. */
export async function createBetterAuth(settings: BetterAuthSettings) {
  const { betterAuth } = await import('better-auth');
  return betterAuth(options(settings));
}

export type BetterAuth = Awaited<ReturnType<typeof createBetterAuth>>;

/** better-auth's conversion of Node's incoming headers into the `Headers` its API takes. */
export async function loadFromNodeHeaders() {
  const { fromNodeHeaders } = await import('better-auth/node');
  return fromNodeHeaders;
}

/** Creates better-auth's tables (user, session, account, verification) with its own migrator. */
export async function migrateBetterAuth(settings: BetterAuthSettings): Promise<void> {
  const { getMigrations } = await import('better-auth/db/migration');
  const { runMigrations } = await getMigrations(options(settings));
  await runMigrations();
}
