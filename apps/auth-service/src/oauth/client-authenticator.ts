import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, jwtVerify } from 'jose';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { RateLimiter } from '../auth/rate-limiter';
import { AssertionReplay } from './assertion-replay';
import { ClientRegistry } from './client-registry';
import type { RegisteredClient } from './clients';
import { oauthError } from './oauth-errors';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** An assertion is a handful of claims: anything longer is not one. */
const MAX_ASSERTION_LENGTH = 4096;
/** RFC 7523 wants assertions short-lived: at most this far ahead (plus the clock leeway). */
export const MAX_ASSERTION_LIFETIME = 300;
const JTI = /^[\x21-\x7e]{8,200}$/;

export interface ClientCredentials {
  clientAssertionType?: string;
  clientAssertion?: string;
  clientId?: string;
}

/**
 * `private_key_jwt` (RFC 7523 §2.2): the caller proves who it is with a JWT signed by its own
 * key. The cheap steps come first: the assertion's shape, then one count per address and per
 * (registered) client, and only then the ECDSA verification with jose against the client's
 * registered JWKS, then the single use of its `jti`. Every failure is the same 401
 * `invalid_client`, so a prober learns nothing about which check failed.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly clients: ClientRegistry,
    private readonly limiter: RateLimiter,
    private readonly replay: AssertionReplay,
  ) {}

  async authenticate(credentials: ClientCredentials, ip: string): Promise<RegisteredClient> {
    const { clientAssertion: assertion, clientAssertionType: type, clientId } = credentials;
    if (type !== ASSERTION_TYPE || !assertion) {
      throw oauthError(
        'invalid_client',
        `Authenticate with client_assertion_type=${ASSERTION_TYPE}`,
      );
    }
    const claimed = assertion.length <= MAX_ASSERTION_LENGTH ? issuerOf(assertion) : undefined;
    const known = claimed !== undefined ? this.clients.get(claimed) : undefined;
    await this.throttle(ip, known?.id);
    if (!known || known.disabled || (clientId !== undefined && clientId !== known.id)) {
      throw refused();
    }
    const now = this.clock.now();
    const leeway = this.config.clockLeewaySeconds;
    let payload: { exp?: number; jti?: string };
    try {
      ({ payload } = await jwtVerify(assertion, known.keys, {
        algorithms: ['ES256'],
        issuer: known.id,
        subject: known.id,
        audience: [this.config.oauth.tokenEndpoint, this.config.issuer],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: leeway,
        currentDate: now,
      }));
    } catch {
      throw refused();
    }
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (payload.exp! > nowSeconds + MAX_ASSERTION_LIFETIME + leeway) {
      throw oauthError(
        'invalid_client',
        `A client assertion may live at most ${MAX_ASSERTION_LIFETIME} s`,
      );
    }
    if (typeof payload.jti !== 'string' || !JTI.test(payload.jti)) {
      throw oauthError(
        'invalid_client',
        'The client assertion needs a random jti (8-200 characters)',
      );
    }
    const until = new Date((payload.exp! + leeway) * 1000);
    if (!(await this.replay.firstUse(known.id, payload.jti, until))) {
      throw oauthError('invalid_client', 'This client assertion was already used');
    }
    return known;
  }

  /** Counted before any signature is checked; unknown ids count against the address only. */
  private throttle(ip: string, clientId: string | undefined): Promise<void> {
    const { perClient, perIp, windowSeconds } = this.config.oauth.throttle;
    const limits = [{ key: `auth:token:ip:${ip}`, max: perIp, windowSeconds, scope: 'token_ip' }];
    if (clientId !== undefined) {
      limits.push({
        key: `auth:token:client:${clientId}`,
        max: perClient,
        windowSeconds,
        scope: 'token_client',
      });
    }
    return this.limiter.enforce(limits, 'Too many token requests; try again later');
  }
}

const refused = () => oauthError('invalid_client', 'Client authentication failed');

/** The unverified `iss` of a compact JWT; undefined when it is not one. */
function issuerOf(assertion: string): string | undefined {
  try {
    const iss = decodeJwt(assertion).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
