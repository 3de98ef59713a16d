import { PassportStrategy } from '@nestjs/passport';
import type { KeyObject } from 'node:crypto';
import { Passport } from 'passport';
import { Strategy } from 'passport-jwt';
import type { AuthUser } from '../auth-user';
import { ACCESS_TOKEN_ALG, HYBRID_JWT_STRATEGY } from '../constants';
import { AuthError, authError } from '../errors';
import type { NormalizedOptions } from '../options';
import { checkClaims } from './claims';

/**
 * What the guard hands to passport: the token already extracted and pre-checked, and the
 * key already chosen by kid. Passport verifies a token, not an HTTP request, so one
 * verification can serve every request that carries the same token at the same moment.
 */
export interface VerificationCarrier {
  token: string;
  key: KeyObject;
}

/**
 * passport-jwt with the algorithm pinned, issuer and audience checked by jsonwebtoken
 * (top-level options: inside `jsonWebTokenOptions` passport-jwt would drop them), and
 * every claim and the time rules checked again in `validate` with the injected clock.
 *
 * The key provider never yields "no key" (jsonwebtoken would throw outside the callback
 * and could crash the process): an unknown kid is refused before passport runs.
 */
export class HybridJwtStrategy extends PassportStrategy(Strategy, HYBRID_JWT_STRATEGY) {
  declare readonly passportInstance: InstanceType<typeof Passport>;

  constructor(private readonly options: NormalizedOptions) {
    super({
      jwtFromRequest: (carrier: VerificationCarrier) => carrier.token,
      // jsonwebtoken takes a KeyObject (no PEM re-parsing per call); the typings say string | Buffer.
      secretOrKeyProvider: (
        carrier: VerificationCarrier,
        _token: string,
        done: (error: Error | null, key?: string | Buffer) => void,
      ) =>
        carrier.key
          ? done(null, carrier.key as unknown as Buffer)
          : done(authError('invalid_token', 'no key')),
      algorithms: [ACCESS_TOKEN_ALG],
      issuer: options.issuer,
      audience: options.audience,
      // Time rules are applied in validate() with the injected clock and leeway.
      ignoreExpiration: true,
      jsonWebTokenOptions: { ignoreNotBefore: true },
    });
  }

  /**
   * Registers the strategy on a Passport instance of its own instead of passport's global
   * singleton: two apps in one process (tests, or a gateway hosting several) with different
   * audiences must not replace each other's strategy.
   */
  getPassportInstance(): InstanceType<typeof Passport> {
    const instance = new Passport();
    Object.defineProperty(this, 'passportInstance', { value: instance });
    return instance;
  }

  validate(payload: unknown): AuthUser {
    return checkClaims(payload, {
      issuer: this.options.issuer,
      audience: this.options.audience,
      leewaySeconds: this.options.clockLeewaySeconds,
      maxLifetimeSeconds: this.options.maxTokenLifetimeSeconds,
      nowSeconds: this.options.clock() / 1000,
    });
  }

  /** Runs passport on a carrier; resolves with the user or rejects with an AuthError. */
  authenticateCarrier(carrier: VerificationCarrier): Promise<AuthUser> {
    return new Promise<AuthUser>((resolve, reject) => {
      const middleware = this.passportInstance.authenticate(
        HYBRID_JWT_STRATEGY,
        { session: false },
        (error: unknown, user: AuthUser | false, info: unknown) => {
          if (error) return reject(error);
          if (user) return resolve(user);
          reject(info instanceof AuthError ? info : authError('invalid_token', describe(info)));
        },
      );
      middleware(carrier, {}, (error?: unknown) => reject(error ?? authError('invalid_token')));
    });
  }
}

function describe(info: unknown): string {
  return info instanceof Error ? info.message : 'verification failed';
}
