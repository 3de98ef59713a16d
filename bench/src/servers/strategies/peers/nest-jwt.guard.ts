import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { BenchRequest } from '../backends';
import { STRATEGIES_CONFIG } from '../strategies.config';
import type { StrategiesConfig } from '../strategies.config';

/**
 * The guard of the NestJS documentation ("Authentication", "Implementing the authentication
 * guard"), as written there: the bearer token from the header, `JwtService.verifyAsync` with
 * the secret (a string), the payload on the request. No issuer, audience or algorithm options:
 * the documentation passes none. What it checks is the HS256 signature and `exp`.
 */
@Injectable()
export class NestJwtDocsGuard implements CanActivate {
  private readonly secret: string;

  constructor(
    private readonly jwtService: JwtService,
    @Inject(STRATEGIES_CONFIG) config: StrategiesConfig,
  ) {
    this.secret = config.hs256Secret;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    const token = this.extractTokenFromHeader(request);
    if (!token) {
      throw new UnauthorizedException();
    }
    try {
      request.user = await this.jwtService.verifyAsync(token, { secret: this.secret });
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }

  private extractTokenFromHeader(request: BenchRequest): string | undefined {
    const header = request.headers.authorization;
    const [type, token] = typeof header === 'string' ? header.split(' ') : [];
    return type === 'Bearer' ? token : undefined;
  }
}
