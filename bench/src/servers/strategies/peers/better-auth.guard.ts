import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { Backends } from '../backends';
import type { BenchRequest } from '../backends';
import { STRATEGIES_CONFIG } from '../strategies.config';
import type { StrategiesConfig } from '../strategies.config';
import { createBetterAuth, loadFromNodeHeaders } from './better-auth';
import { peerSettings } from './peers.config';
import type { BetterAuth } from './better-auth';

/**
 * Two better-auth instances on one PostgreSQL database and pool (10 connections, as every
 * service here): database sessions, and the same with `session.cookieCache`. Every connection
 * checkout is counted as a storage call, so the report shows what a request cost the database
 * rather than what the configuration promises.
 */
export class BetterAuthPeers implements OnModuleDestroy {
  private constructor(
    readonly pool: Pool,
    readonly database: BetterAuth,
    readonly cookieCache: BetterAuth,
    readonly fromNodeHeaders: Awaited<ReturnType<typeof loadFromNodeHeaders>>,
  ) {}

  static async create(config: StrategiesConfig, backends: Backends): Promise<BetterAuthPeers> {
    const peers = peerSettings(config);
    const pool = new Pool({ connectionString: peers.betterAuthDatabaseUrl, max: 10 });
    pool.on('acquire', () => {
      backends.calls.postgres += 1;
    });
    const settings = {
      pool,
      secret: peers.betterAuthSecret,
      baseURL: peers.betterAuthUrl,
    };
    return new BetterAuthPeers(
      pool,
      await createBetterAuth({ ...settings, cookieCache: false }),
      await createBetterAuth({ ...settings, cookieCache: true }),
      await loadFromNodeHeaders(),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

export const BETTER_AUTH_PEERS = {
  provide: BetterAuthPeers,
  useFactory: BetterAuthPeers.create,
  inject: [STRATEGIES_CONFIG, Backends],
};

/**
 * A session check as better-auth documents it for Node servers: `auth.api.getSession` with the
 * request's headers (`fromNodeHeaders`); no session, 401. The session cookie is what the
 * browser sends; better-auth checks its signature, then reads the session and its user.
 */
abstract class BetterAuthSessionGuard implements CanActivate {
  constructor(
    private readonly auth: BetterAuth,
    private readonly fromNodeHeaders: BetterAuthPeers['fromNodeHeaders'],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    const session = await this.auth.api.getSession({
      headers: this.fromNodeHeaders(request.headers),
    });
    if (!session) throw new UnauthorizedException();
    request.user = session.user;
    return true;
  }
}

/** Database sessions: the session and its user read from PostgreSQL on every request. */
@Injectable()
export class BetterAuthDatabaseGuard extends BetterAuthSessionGuard {
  constructor(@Inject(BetterAuthPeers) peers: BetterAuthPeers) {
    super(peers.database, peers.fromNodeHeaders);
  }
}

/**
 * With `session.cookieCache` (5 minutes): a signed `session_data` cookie carries the session
 * and user, so a request whose cookie is younger than `maxAge` reads nothing.
 */
@Injectable()
export class BetterAuthCookieCacheGuard extends BetterAuthSessionGuard {
  constructor(@Inject(BetterAuthPeers) peers: BetterAuthPeers) {
    super(peers.cookieCache, peers.fromNodeHeaders);
  }
}
