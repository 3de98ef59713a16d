import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bearer } from './backends';
import type { BenchRequest } from './backends';
import { STRATEGIES_CONFIG } from './strategies.config';
import type { StrategiesConfig } from './strategies.config';

// The only header accepted, byte for byte: the algorithm is pinned by comparison, never read.
const EXPECTED_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString(
  'base64url',
);
const LEEWAY_SECONDS = 30;

interface Hs256Claims {
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  sid?: unknown;
  role?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/**
 * JWT-only done well: the secret imported once as a KeyObject, the header compared as a
 * constant, HMAC with a constant-time comparison, then the same claim checks as the hybrid
 * guard (issuer, audience, subject, session, role, iat and exp with a leeway).
 */
@Injectable()
export class Hs256Guard implements CanActivate {
  private readonly key: KeyObject;
  private readonly issuer: string;
  private readonly audience: string;

  constructor(@Inject(STRATEGIES_CONFIG) config: StrategiesConfig) {
    this.key = createSecretKey(Buffer.from(config.hs256Secret));
    this.issuer = config.guard.issuer;
    this.audience = config.guard.audience;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<BenchRequest>();
    const claims = this.verify(bearer(request.headers));
    if (!claims) throw new UnauthorizedException();
    request.user = { userId: claims.sub, sessionId: claims.sid, role: claims.role };
    return true;
  }

  private verify(token: string | undefined): Hs256Claims | undefined {
    if (!token || token.length > 4096) return undefined;
    const firstDot = token.indexOf('.');
    const lastDot = token.lastIndexOf('.');
    if (firstDot <= 0 || lastDot === firstDot) return undefined;
    if (token.slice(0, firstDot) !== EXPECTED_HEADER) return undefined;
    const expected = createHmac('sha256', this.key).update(token.slice(0, lastDot)).digest();
    const presented = Buffer.from(token.slice(lastDot + 1), 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return undefined;
    }
    let claims: Hs256Claims;
    try {
      claims = JSON.parse(Buffer.from(token.slice(firstDot + 1, lastDot), 'base64url').toString());
    } catch {
      return undefined;
    }
    return this.claimsHold(claims) ? claims : undefined;
  }

  private claimsHold(c: Hs256Claims): boolean {
    const now = Date.now() / 1000;
    return (
      c.iss === this.issuer &&
      Array.isArray(c.aud) &&
      c.aud.includes(this.audience) &&
      typeof c.sub === 'string' &&
      typeof c.sid === 'string' &&
      (c.role === 'user' || c.role === 'admin') &&
      typeof c.iat === 'number' &&
      typeof c.exp === 'number' &&
      c.iat <= now + LEEWAY_SECONDS &&
      now < c.exp + LEEWAY_SECONDS
    );
  }
}
