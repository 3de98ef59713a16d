import { createHash, createPrivateKey, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_ALG } from '../constants';
import { readCapped } from '../read-capped';
import { sign as signJwt } from 'jsonwebtoken';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ServiceTokensOptions {
  /** auth-service's token endpoint (`http://<auth>/auth/token`). */
  tokenUrl: string;
  /** The `iss` of auth-service: the `aud` of our client assertions. */
  issuer: string;
  /** This service's client id, as registered in AUTH_CLIENTS_FILE. */
  clientId: string;
  /** This service's private P-256 key, as a JWK with its `kid` (or a KeyObject and a kid). */
  privateKey: Record<string, unknown> | { key: KeyObject; kid: string };
  /** Request timeout, ms (default 2000). */
  timeoutMs?: number;
  /** A token is renewed this many seconds before it expires (default 10). */
  renewBeforeSeconds?: number;
  /** How many exchanged tokens to remember (default 10 000). */
  maxEntries?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}

/** auth-service refused (its OAuth `code`, e.g. `invalid_grant`) or could not be reached (`unavailable`). */
export class ServiceTokenError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ServiceTokenError';
  }
}

interface Cached {
  token: string;
  renewAt: number;
}

const MAX_BODY = 16 * 1024;

/**
 * A service's side of service identity: exchanges the user's token it received for a token
 * meant for exactly one other service (RFC 8693), or gets a machine token of its own
 * (client credentials), authenticating with a fresh `private_key_jwt` assertion each time.
 * Tokens are cached until shortly before they expire, and concurrent requests for the same
 * (subject token, audience) share one exchange: a burst of one user's requests costs one
 * round trip a minute, not one each.
 */
export class ServiceTokens {
  private readonly key: KeyObject;
  private readonly kid: string;
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly clock: () => number;
  readonly counts = { exchanges: 0, hits: 0 };

  constructor(private readonly options: ServiceTokensOptions) {
    const given = options.privateKey;
    if ('key' in given && typeof given.kid === 'string') {
      this.key = given.key as KeyObject;
      this.kid = given.kid;
    } else {
      const jwk = given as Record<string, unknown>;
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) {
        throw new Error('ServiceTokens: privateKey must be a P-256 private JWK with a kid');
      }
      this.key = createPrivateKey({ key: jwk as never, format: 'jwk' });
      this.kid = jwk.kid;
    }
    this.clock = options.clock ?? Date.now;
  }

  /** A token for `audience` on behalf of the user whose access token is `subjectToken`. */
  exchange(subjectToken: string, audience: string): Promise<string> {
    const key = `${audience} ${createHash('sha256').update(subjectToken).digest('base64url')}`;
    return this.cached(key, () =>
      this.request({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: subjectToken,
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience,
      }),
    );
  }

  /** This service's own machine token (client credentials), e.g. for the revocation snapshot. */
  clientCredentials(scope?: string): Promise<string> {
    return this.cached(`client-credentials ${scope ?? ''}`, () =>
      this.request({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
    );
  }

  private cached(key: string, fetchToken: () => Promise<Cached>): Promise<string> {
    const hit = this.cache.get(key);
    if (hit && hit.renewAt > this.clock()) {
      this.counts.hits += 1;
      return Promise.resolve(hit.token);
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = fetchToken()
        .then((fresh) => {
          this.remember(key, fresh);
          return fresh.token;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private remember(key: string, entry: Cached): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    const max = this.options.maxEntries ?? 10_000;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
  }

  private async request(params: Record<string, string>): Promise<Cached> {
    this.counts.exchanges += 1;
    const body = new URLSearchParams({
      ...params,
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: this.assertion(),
    });
    let status: number;
    let answer: Record<string, unknown>;
    try {
      const response = await fetch(this.options.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000),
      });
      status = response.status;
      answer = JSON.parse(await readCapped(response, MAX_BODY, 'token response')) as Record<
        string,
        unknown
      >;
    } catch (error) {
      throw new ServiceTokenError('unavailable', `token endpoint unreachable: ${String(error)}`);
    }
    const { access_token: token, expires_in: expiresIn } = answer ?? {};
    if (status !== 200 || typeof token !== 'string' || typeof expiresIn !== 'number') {
      const code = typeof answer?.error === 'string' ? answer.error : 'unavailable';
      throw new ServiceTokenError(code, `token endpoint answered ${status} ${code}`, status);
    }
    const renewBefore = Math.min(this.options.renewBeforeSeconds ?? 10, expiresIn / 2);
    return { token, renewAt: this.clock() + (expiresIn - renewBefore) * 1000 };
  }

  /**
   * RFC 7523 §3: iss = sub = client id, aud = the issuer, one minute, a fresh jti. Signed by
   * jsonwebtoken (passport-jwt's own dependency), with the times written as given.
   */
  private assertion(): string {
    const now = Math.floor(this.clock() / 1000);
    return signJwt(
      {
        iss: this.options.clientId,
        sub: this.options.clientId,
        aud: this.options.issuer,
        iat: now,
        exp: now + 60,
        jti: randomUUID(),
      },
      this.key,
      { algorithm: ACCESS_TOKEN_ALG, header: { alg: ACCESS_TOKEN_ALG, typ: 'JWT', kid: this.kid } },
    );
  }
}
