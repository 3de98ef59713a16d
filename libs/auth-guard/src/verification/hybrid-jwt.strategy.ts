import { PassportStrategy } from '@nestjs/passport';
import { verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Passport } from 'passport';
import { Strategy } from 'passport-jwt';
import type { AuthUser } from '../auth-user';
import { ACCESS_TOKEN_ALG, HYBRID_JWT_STRATEGY } from '../constants';
import { AuthError, authError } from '../errors';
import type { NormalizedOptions } from '../options';
import { checkClaims } from './claims';
import type { ReadToken } from './token-shape';

/**
 * What the guard hands to passport: the token already extracted and pre-checked (with what
 * that check decoded), and the key already chosen by kid. Passport verifies a token, not an
 * HTTP request, so one verification can serve every request that carries the same token.
 */
export interface VerificationCarrier {
  token: string;
  key: KeyObject;
  /** readToken()'s result for this token: the header, the payload's text, the last dot. */
  read: ReadToken;
}

/** Passport's middleware wants a response object; with a callback it never touches it. */
const NO_RESPONSE = Object.freeze({});

/**
 * The passport-jwt strategy of the guard, registered on a Passport instance of its own and
 * run through `passport.authenticate()` for every token the cache has not seen.
 *
 * It keeps passport-jwt's options (algorithm pinned to ES256, issuer, audience, the key by
 * provider) and the passport contract (`authenticate` ends in `success`, `fail` or `error`;
 * `validate` turns the payload into the user), but does the verification step itself, once:
 * passport-jwt's own `authenticate()` hands the token to jsonwebtoken, which decodes the
 * header and payload again (leniently, after the guard's strict decode), converts the
 * signature to DER for a streaming `createVerify`, and checks iss and aud a second time,
 * all for a token whose every byte the guard has already checked; and the `validate`
 * callback @nestjs/passport gives it is async, which turned each verification into a chain
 * of promises. About a third of a miss's CPU went there (bench/RESULTS.md, "Misses").
 * passport-jwt offers no per-strategy way to swap that step (`JwtStrategy.JwtVerifier` is
 * process-wide and documented as a test hook), so this class overrides `authenticate()`,
 * the method every passport strategy implements, and does what jsonwebtoken did:
 * - algorithm: the header was checked to be exactly ES256 / at+jwt / kid (readToken), and
 *   the key must be a public P-256 key (jsonwebtoken's key-type check, done once per key);
 * - signature: one `crypto.verify` over the signing input with the raw r || s signature
 *   (`ieee-p1363`: the JWS format, no DER conversion);
 * - payload: parsed once, from the strictly decoded text, only after the signature holds;
 * - claims: `validate()` (checkClaims: iss, aud, sub, sid, jti, role, iat/exp/nbf with the
 *   leeway, lifetime, act, ...), once.
 * Everything runs synchronously, so the guard gets its answer without a promise.
 */
export class HybridJwtStrategy extends PassportStrategy(Strategy, HYBRID_JWT_STRATEGY) {
  declare readonly passportInstance: InstanceType<typeof Passport>;
  /** Keys already found to be public P-256 keys: the check reads key details, once per key. */
  private readonly checkedKeys = new WeakSet<KeyObject>();

  constructor(private readonly options: NormalizedOptions) {
    // passport-jwt's options, as before: they document the rules and keep the strategy a
    // working passport-jwt configuration; authenticate() below applies the same rules.
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

  /**
   * passport's entry point (called by `passport.authenticate()` on a per-request copy of
   * this strategy that carries `success`, `fail` and `error`). See the class comment for why
   * it replaces passport-jwt's.
   */
  override authenticate(request: Parameters<Strategy['authenticate']>[0]): void {
    // passport's typings say an Express request; the guard passes its VerificationCarrier.
    const carrier = request as unknown as VerificationCarrier;
    let user: AuthUser;
    try {
      user = this.verifyCarrier(carrier);
    } catch (error) {
      if (error instanceof AuthError) return this.fail(error, error.getStatus());
      return this.error(error as Error);
    }
    this.success(user);
  }

  /**
   * Runs passport on a carrier: the user, or throws an AuthError. Synchronous: the
   * strategy answers before `authenticate()` returns, so no promise is needed.
   */
  authenticateCarrier(carrier: VerificationCarrier): AuthUser {
    let user: AuthUser | undefined;
    let failure: unknown;
    const middleware = this.passportInstance.authenticate(
      HYBRID_JWT_STRATEGY,
      { session: false },
      (error: unknown, result: AuthUser | false, info: unknown) => {
        if (error) failure = error;
        else if (result) user = result;
        else
          failure = info instanceof AuthError ? info : authError('invalid_token', describe(info));
      },
    );
    middleware(carrier, NO_RESPONSE, (error?: unknown) => {
      failure = error ?? authError('invalid_token');
    });
    if (user !== undefined) return user;
    throw failure ?? authError('invalid_token', 'the strategy did not answer');
  }

  private verifyCarrier({ token, key, read }: VerificationCarrier): AuthUser {
    if (!this.checkedKeys.has(key)) {
      // What jsonwebtoken checked for ES256 on every call: a public key on P-256.
      if (
        key.type !== 'public' ||
        key.asymmetricKeyType !== 'ec' ||
        key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
      ) {
        throw authError('invalid_token', 'the key for this kid is not a P-256 public key');
      }
      this.checkedKeys.add(key);
    }
    // The token is ASCII (readToken matched it against the base64url alphabet): latin1 is
    // its exact bytes. The signature is 86 characters, so exactly 64 bytes: r || s.
    const signingInput = Buffer.from(token.slice(0, read.lastDot), 'latin1');
    const signature = Buffer.from(token.slice(read.lastDot + 1), 'base64url');
    const signed = verifySignature(
      'sha256',
      signingInput,
      { key, dsaEncoding: 'ieee-p1363' },
      signature,
    );
    if (!signed) throw authError('invalid_token', 'invalid signature');
    let payload: unknown;
    try {
      payload = JSON.parse(read.payloadText);
    } catch {
      throw authError('invalid_token', 'payload is not JSON');
    }
    return this.validate(payload);
  }
}

function describe(info: unknown): string {
  return info instanceof Error ? info.message : 'verification failed';
}
