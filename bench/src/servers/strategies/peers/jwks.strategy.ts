import { Inject, Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { STRATEGIES_CONFIG } from '../strategies.config';
import { peerSettings } from './peers.config';
import type { StrategiesConfig } from '../strategies.config';

/** Its own name: `jwt` is already taken by the library's strategy in the same process. */
export const JWKS_STRATEGY = 'bench-jwks-rs256';

interface Rs256Payload {
  sub: string;
  sid?: string;
  role?: string;
}

/**
 * passport-jwt with jwks-rsa, configured as the jwks-rsa README's passport example and most
 * tutorials show it (RS256 from an identity provider's JWKS): `passportJwtSecret` with the
 * cache on and rate limiting at 5 JWKS requests a minute, the bearer token from the header,
 * issuer, audience and algorithm pinned. The JWKS is fetched once and cached (jwks-rsa's
 * default cache age is 10 minutes); every request then pays an RS256 verification.
 */
@Injectable()
export class JwksRs256Strategy extends PassportStrategy(Strategy, JWKS_STRATEGY) {
  constructor(@Inject(STRATEGIES_CONFIG) config: StrategiesConfig) {
    super({
      secretOrKeyProvider: passportJwtSecret({
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 5,
        jwksUri: peerSettings(config).jwksUrl,
      }),
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      audience: config.guard.audience,
      issuer: config.guard.issuer,
      algorithms: ['RS256'],
    });
  }

  validate(payload: Rs256Payload) {
    return { userId: payload.sub, sessionId: payload.sid, role: payload.role };
  }
}

/** `@nestjs/passport`'s AuthGuard for that strategy, as its documentation uses it. */
@Injectable()
export class JwksRs256Guard extends AuthGuard(JWKS_STRATEGY) {}
