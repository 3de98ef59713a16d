import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Backends, bearer } from './backends';
import type { BenchRequest } from './backends';
import { STRATEGIES_CONFIG } from './strategies.config';
import type { StrategiesConfig } from './strategies.config';

interface StoredSession {
  userId: string;
  role: string;
  expiresAt: number;
}

/** Session-only, Redis: one GET of the session key on every request. */
@Injectable()
export class SessionRedisGuard implements CanActivate {
  private readonly prefix: string;

  constructor(
    private readonly backends: Backends,
    @Inject(STRATEGIES_CONFIG) config: StrategiesConfig,
  ) {
    this.prefix = config.sessionPrefix;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    const id = bearer(request.headers);
    if (!id) throw new UnauthorizedException();
    this.backends.calls.redis += 1;
    const value = await this.backends.redis.get(`${this.prefix}${id}`);
    if (value === null) throw new UnauthorizedException();
    const session = JSON.parse(value) as StoredSession;
    if (session.expiresAt <= Date.now()) throw new UnauthorizedException();
    request.user = { userId: session.userId, sessionId: id, role: session.role };
    return true;
  }
}
