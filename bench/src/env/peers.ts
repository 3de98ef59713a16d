import jwt from 'jsonwebtoken';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { createBetterAuth, migrateBetterAuth } from '../servers/strategies/peers/better-auth';
import type { BetterAuth, BetterAuthSettings } from '../servers/strategies/peers/better-auth';
import { COOKIE_CACHE_MAX_AGE_SECONDS } from '../servers/strategies/peers/better-auth';
import { mapLimit } from '../util/pool';
import { log } from '../util/log';
import { freePort, startNode } from './processes';
import type { ServiceProcess } from './processes';
import type { PeerRevocationCheck } from '../report/results';
import { benchMain } from './services';
import { claimsFor, randomSecret } from './tokens';
import type { Subject, TokenProfile } from './tokens';

/** The RS256 key of the passport-jwt + jwks-rsa peer: made per run, its JWKS served locally. */
export interface Rs256Key {
  kid: string;
  privateKey: KeyObject;
}

function writeRs256Jwks(file: string): Rs256Key {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n }))
    .digest('base64url');
  writeFileSync(file, JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }));
  return { kid, privateKey };
}

/** RS256 tokens with the same claims as the pool's, living an hour like the HS256 ones. */
export function mintRs256Tokens(
  key: Rs256Key,
  profile: TokenProfile,
  subjects: Subject[],
): string[] {
  const now = Math.floor(Date.now() / 1000);
  const hour = { ...profile, ttlSeconds: 3600 };
  return subjects.map((s) =>
    jwt.sign(claimsFor(s, hour, now), key.privateKey, { algorithm: 'RS256', keyid: key.kid }),
  );
}

const cookiePair = (setCookie: string) => setCookie.slice(0, setCookie.indexOf(';'));
const named = (cookies: string[], suffix: string) =>
  cookies.find((c) => c.split('=')[0].endsWith(suffix));

/**
 * better-auth's sessions, made through its own API (sign-up, then sign-in: two sessions a
 * user), and the cookies a browser would hold for them. The `session_data` cookie of the
 * cookie cache expires after `maxAge` (5 minutes); past that better-auth reads the database
 * and sends a new one, which a load generator would not keep. `cachedCookies` renews them the
 * way a browser would (one getSession through the cookie-cache instance each), when they are
 * older than half their life, so every measured run sends live cache cookies.
 */
export class BetterAuthSessions {
  private cached: string[] = [];
  private cachedAt = 0;

  private constructor(
    private readonly pool: Pool,
    private readonly auth: BetterAuth,
    /** `better-auth.session_token=...` of each session: what the database-session route gets. */
    readonly tokenCookies: string[],
    /** One more session, never measured: revoked by `revocationCheck`. */
    private readonly spare: string,
  ) {}

  static async create(
    settings: Omit<BetterAuthSettings, 'pool' | 'cookieCache'> & { databaseUrl: string },
    runId: string,
    users: number,
  ): Promise<BetterAuthSessions> {
    const pool = new Pool({ connectionString: settings.databaseUrl, max: 4 });
    try {
      const betterAuth = { ...settings, pool, cookieCache: true };
      await migrateBetterAuth(betterAuth);
      const auth = await createBetterAuth(betterAuth);
      const password = randomSecret();
      const domain = `${runId.replace(/_/g, '-')}.bench.example`;
      const perUser = await mapLimit(
        Array.from({ length: users }, (_, i) => `user${i}@${domain}`),
        4,
        async (email) => {
          const up = await auth.api.signUpEmail({
            body: { email, password, name: email },
            returnHeaders: true,
          });
          const again = await auth.api.signInEmail({
            body: { email, password },
            returnHeaders: true,
          });
          return [up.headers, again.headers].map((h) => h.getSetCookie().map(cookiePair));
        },
      );
      const spare = await auth.api.signInEmail({
        body: { email: `user0@${domain}`, password },
        returnHeaders: true,
      });
      const [tokenCookies, [spareToken]] = [perUser.flat(), [spare.headers]].map((list) =>
        list.map((cookies) => {
          const pairs = Array.isArray(cookies) ? cookies : cookies.getSetCookie().map(cookiePair);
          const token = named(pairs, '.session_token');
          if (!token) throw new Error(`better-auth set no session cookie: ${pairs.join(', ')}`);
          return token;
        }),
      );
      return new BetterAuthSessions(pool, auth, tokenCookies, spareToken);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  /** Both cookies of each session (token and cache), renewed past half the cache's life. */
  async cachedCookies(): Promise<readonly string[]> {
    if (Date.now() - this.cachedAt < (COOKIE_CACHE_MAX_AGE_SECONDS * 1000) / 2) {
      return this.cached;
    }
    const cachedAt = Date.now();
    this.cached = await mapLimit(this.tokenCookies, 4, (token) => this.withCache(token));
    this.cachedAt = cachedAt;
    return this.cached;
  }

  /** The session's token cookie and a fresh cache cookie, as a browser's getSession gets it. */
  private async withCache(token: string): Promise<string> {
    const { headers } = await this.auth.api.getSession({
      headers: new Headers({ cookie: token }),
      returnHeaders: true,
    });
    const data = named(headers.getSetCookie().map(cookiePair), '.session_data');
    if (!data) throw new Error('better-auth set no session_data cookie on getSession');
    return `${token}; ${data}`;
  }

  /**
   * What the peers table claims, checked against the running routes: a session of its own is
   * signed out through better-auth's API (which deletes it from the database); the
   * database-session route must refuse it at once, while the cookie-cache route still lets its
   * live cache cookie through.
   */
  async revocationCheck(strategiesUrl: string): Promise<PeerRevocationCheck> {
    const both = await this.withCache(this.spare);
    const ask = async (route: string, cookie: string) => {
      const response = await fetch(`${strategiesUrl}/bench/${route}`, { headers: { cookie } });
      await response.arrayBuffer();
      return response.status;
    };
    const statuses = async () => ({
      database: await ask('better-auth', this.spare),
      cookieCache: await ask('better-auth-cached', both),
    });
    const before = await statuses();
    await this.auth.api.signOut({ headers: new Headers({ cookie: this.spare }) });
    return { before, after: await statuses() };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Everything the peers' routes need from the bench's setup. */
export interface Peers {
  jwks: ServiceProcess;
  rs256Key: Rs256Key;
  betterAuth: BetterAuthSessions;
  /** For the strategies server (see peers.config.ts). */
  env: Record<string, string>;
}

export async function setupPeers(options: {
  runId: string;
  artefactsDir: string;
  logDir: string;
  smoke: boolean;
  betterAuthDatabaseUrl: string;
  track: (process: ServiceProcess) => ServiceProcess;
}): Promise<Peers> {
  const jwksFile = path.join(options.artefactsDir, 'peer-jwks.json');
  const key = writeRs256Jwks(jwksFile);
  const port = await freePort();
  const jwks = options.track(
    await startNode({
      name: 'peer-jwks',
      script: benchMain('servers/jwks-http.js'),
      port,
      logDir: options.logDir,
      readyPath: '/.well-known/jwks.json',
      env: { PORT: String(port), HTTP_HOST: '127.0.0.1', BENCH_JWKS_FILE: jwksFile },
    }),
  );
  // better-auth hashes passwords with scrypt in JavaScript (~0.3-0.5 s a sign-up or sign-in
  // here): a few users with two sessions each, made while auth-service logs in the pool.
  const users = options.smoke ? 3 : 40;
  log(`better-auth: migrating its database, signing up ${users} users (2 sessions each)`);
  const betterAuthSettings = {
    databaseUrl: options.betterAuthDatabaseUrl,
    secret: randomSecret(),
    baseURL: 'http://127.0.0.1',
  };
  const betterAuth = await BetterAuthSessions.create(betterAuthSettings, options.runId, users);
  return {
    jwks,
    rs256Key: key,
    betterAuth,
    env: {
      BENCH_PEER_JWKS_URL: `${jwks.url}/.well-known/jwks.json`,
      BENCH_BETTER_AUTH_DATABASE_URL: betterAuthSettings.databaseUrl,
      BENCH_BETTER_AUTH_SECRET: betterAuthSettings.secret,
      BENCH_BETTER_AUTH_URL: betterAuthSettings.baseURL,
    },
  };
}
