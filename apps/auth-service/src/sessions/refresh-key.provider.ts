import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { ServerSecrets } from '../tokens/server-secrets';

/** The key refresh-token rotation derives with: AUTH_REFRESH_TOKEN_KEY, or generated once and kept. */
@Injectable()
export class RefreshKeyProvider implements OnModuleInit {
  private key: Buffer | undefined;

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly secrets: ServerSecrets,
  ) {}

  async onModuleInit(): Promise<void> {
    this.key =
      this.config.refreshTokenKey ??
      Buffer.from(
        await this.secrets.getOrCreate('refresh-token-key', () =>
          randomBytes(32).toString('base64url'),
        ),
        'base64url',
      );
  }

  get(): Buffer {
    if (!this.key) throw new Error('refresh-token key not loaded');
    return this.key;
  }
}
