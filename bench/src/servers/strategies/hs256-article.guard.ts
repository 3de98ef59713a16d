import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import type { BenchRequest } from './backends';
import { STRATEGIES_CONFIG } from './strategies.config';
import type { StrategiesConfig } from './strategies.config';

/**
 * JWT-only exactly as the article's code does it: split the header, `jsonwebtoken.verify`
 * with the secret as a string, no pinned algorithm, no issuer or audience. Kept as written
 * (it is what is being measured), not as a model: see hs256.guard.ts for it done well.
 */
@Injectable()
export class ArticleHs256Guard implements CanActivate {
  private readonly secret: string;

  constructor(@Inject(STRATEGIES_CONFIG) config: StrategiesConfig) {
    this.secret = config.hs256Secret;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    try {
      const token = String(request.headers.authorization).split(' ')[1];
      request.user = jwt.verify(token, this.secret);
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}
