import { Inject, Injectable } from '@nestjs/common';
import type { Aal, AuthMethod, Role } from '@hybrid-auth/auth-guard';
import { randomUUID } from 'node:crypto';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AccessTokenSigner } from './access-token-signer';
import { SigningKeysService } from './signing-keys.service';

/** Issues the short-lived ES256 access tokens every service verifies locally. */
export interface IssuedAccessToken {
  accessToken: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

/**
 * Whom a token is for. `services`: every downstream service in AUTH_AUDIENCES plus
 * auth-service's ordinary routes, what login and refresh hand out. `self`: auth-service
 * alone, asked for explicitly (RFC 8707 style); only such a token opens the admin routes,
 * so an admin token a downstream service sees cannot be replayed against them.
 */
export type TokenAudience = 'services' | 'self';

/**
 * How the session was signed in, carried by every access token of it: `aal`, `amr`,
 * `auth_time`, and whether the user has a second factor (`mfa_enrolled`), so services can
 * demand `aal2` of enrolled users from the token alone.
 */
export interface SignInStrength {
  aal: Aal;
  amr: readonly AuthMethod[];
  authTime: Date;
  mfaEnrolled: boolean;
}

@Injectable()
export class AccessTokensService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
    private readonly signer: AccessTokenSigner,
  ) {}

  issue(
    user: { id: string; role: Role; emailVerified: boolean },
    sessionId: string,
    strength: SignInStrength,
    audience: TokenAudience = 'services',
  ): IssuedAccessToken {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const expiresIn = this.config.accessTokenTtl;
    const { kid, privateKey } = this.keys.signingKey();
    const accessToken = this.signer.sign(
      {
        iss: this.config.issuer,
        aud: audience === 'self' ? [this.config.ownAudience] : this.config.audiences,
        sub: user.id,
        sid: sessionId,
        role: user.role,
        email_verified: user.emailVerified,
        aal: strength.aal,
        amr: [...strength.amr],
        auth_time: Math.floor(strength.authTime.getTime() / 1000),
        mfa_enrolled: strength.mfaEnrolled,
        iat,
        exp: iat + expiresIn,
        jti: randomUUID(),
      },
      privateKey,
      kid,
    );
    return { accessToken, expiresIn };
  }
}
