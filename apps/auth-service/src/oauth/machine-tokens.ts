import { Inject, Injectable } from '@nestjs/common';
import { ACCESS_TOKEN_TYP } from '@hybrid-auth/auth-guard';
import { errors, jwtVerify } from 'jose';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { ClientRegistry } from './client-registry';

/**
 * Client-credentials tokens at auth-service's own service routes: signed by us, meant for
 * auth-service, a machine subject (`client_id` equal to `sub`, no session) whose client is
 * still registered and enabled, and carrying the scope the route needs.
 */
@Injectable()
export class MachineTokens {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly keys: SigningKeysService,
    private readonly clients: ClientRegistry,
  ) {}

  /** The client id when `token` is a live machine token with `scope`; undefined otherwise. */
  async verify(token: string, scope: string): Promise<string | undefined> {
    if (token.length > 4096) return undefined;
    try {
      const { payload } = await jwtVerify(
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
          audience: this.config.ownAudience,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
          clockTolerance: this.config.clockLeewaySeconds,
          maxTokenAge: this.config.oauth.clientTokenTtl + this.config.clockLeewaySeconds,
          currentDate: this.clock.now(),
        },
      );
      const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      const machine =
        payload.sid === undefined && payload.act === undefined && payload.client_id === payload.sub;
      if (!machine || !granted.includes(scope) || !this.clients.isActive(payload.sub!)) {
        return undefined;
      }
      return payload.sub;
    } catch {
      return undefined;
    }
  }
}
