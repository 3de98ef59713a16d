import { Inject, Injectable } from '@nestjs/common';
import type { AccessTokenClaims, MachineTokenClaims } from '@hybrid-auth/auth-guard';
import { randomUUID } from 'node:crypto';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { AccessTokenSigner } from '../tokens/access-token-signer';
import type { RegisteredClient } from './clients';
import { oauthError } from './oauth-errors';

export interface IssuedServiceToken {
  token: string;
  expiresIn: number;
  scope?: string;
}

/** The verification claims an exchanged token carries over from the user's token, as they are. */
const CARRIED = ['email_verified', 'aal', 'amr', 'auth_time'] as const;

/** Signs the tokens of the token endpoint with the same keys and format as every access token. */
@Injectable()
export class ServiceTokenIssuer {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
    private readonly signer: AccessTokenSigner,
  ) {}

  /**
   * RFC 8693: the user's `sub`, `sid`, `role` and verification claims, for `audience` alone,
   * `act.sub` naming the client; at most AUTH_EXCHANGE_TOKEN_TTL and never past the subject.
   */
  exchange(
    subject: AccessTokenClaims,
    client: RegisteredClient,
    audience: string,
  ): IssuedServiceToken {
    const iat = this.nowSeconds();
    const exp = Math.min(iat + this.config.oauth.exchangeTtl, subject.exp);
    if (exp <= iat) throw oauthError('invalid_grant', 'The subject token has expired');
    const carried = Object.fromEntries(
      CARRIED.filter(
        (name) => (subject as unknown as Record<string, unknown>)[name] !== undefined,
      ).map((name) => [name, (subject as unknown as Record<string, unknown>)[name]]),
    );
    const claims: AccessTokenClaims = {
      iss: this.config.issuer,
      aud: [audience],
      sub: subject.sub,
      sid: subject.sid,
      role: subject.role,
      ...carried,
      act: { sub: client.id },
      iat,
      exp,
      jti: randomUUID(),
    };
    return { token: this.sign(claims), expiresIn: exp - iat };
  }

  /** RFC 6749 §4.4: the client itself, its registered audiences and (a subset of) its scopes. */
  clientCredentials(client: RegisteredClient, scopes: string[]): IssuedServiceToken {
    const iat = this.nowSeconds();
    const expiresIn = this.config.oauth.clientTokenTtl;
    const scope = scopes.join(' ');
    const claims: MachineTokenClaims = {
      iss: this.config.issuer,
      aud: client.audiences,
      sub: client.id,
      client_id: client.id,
      scope,
      iat,
      exp: iat + expiresIn,
      jti: randomUUID(),
    };
    return { token: this.sign(claims), expiresIn, scope };
  }

  private sign(claims: AccessTokenClaims | MachineTokenClaims): string {
    const { kid, privateKey } = this.keys.signingKey();
    return this.signer.sign(claims, privateKey, kid);
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}
