import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TYP, ROLES } from '@hybrid-auth/auth-guard';
import type { AccessTokenClaims } from '@hybrid-auth/auth-guard';
import { errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { SessionsService } from '../sessions/sessions.service';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { oauthError } from './oauth-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TOKEN_LENGTH = 4096;

/**
 * The `subject_token` of an exchange: a user's access token, signed by us, meant for the
 * calling client (its id in `aud`: a service exchanges only what was sent to it), never an
 * exchanged token itself (no `act`: no chains), and its session still live with the same
 * role and e-mail state, asked of PostgreSQL like auth-service's own routes do.
 */
@Injectable()
export class SubjectTokens {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
    private readonly sessions: SessionsService,
  ) {}

  async verify(token: string, clientId: string): Promise<AccessTokenClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('The subject token is not one of ours');
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          const key = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: ['ES256'],
          typ: ACCESS_TOKEN_TYP,
          issuer: this.config.issuer,
          audience: clientId,
          requiredClaims: ['exp', 'iat', 'sub', 'sid', 'jti'],
          clockTolerance: this.config.clockLeewaySeconds,
          maxTokenAge: this.config.accessTokenTtl + this.config.clockLeewaySeconds,
          currentDate: now,
        },
      ));
    } catch (error) {
      throw error instanceof errors.JWTExpired
        ? invalid('The subject token has expired')
        : invalid(`The subject token is not a user access token meant for ${clientId}`);
    }
    const claims = payload as unknown as AccessTokenClaims & { act?: unknown; client_id?: unknown };
    if (claims.act !== undefined || claims.client_id !== undefined) {
      throw invalid('An exchanged or machine token cannot be exchanged again');
    }
    if (!UUID.test(String(claims.sub)) || !UUID.test(String(claims.sid))) {
      throw invalid('The subject token names no user session');
    }
    if (!(ROLES as readonly string[]).includes(claims.role))
      throw invalid('The subject token has no role');
    const state = await this.sessions.state(claims.sid, now);
    if (!state.live) throw invalid('The session of the subject token has ended');
    const stale =
      state.role !== claims.role ||
      (claims.email_verified !== undefined && state.emailVerified !== claims.email_verified);
    if (stale) throw invalid('The subject token is stale: refresh it first');
    return claims;
  }
}

const invalid = (message: string) => oauthError('invalid_grant', message);
