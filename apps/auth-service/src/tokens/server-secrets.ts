import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { isSealed, open, seal } from './secret-box';

/**
 * Secrets auth-service generates once and keeps in its database when the operator gives
 * none (the signing key, the refresh-token derivation key), so restarts and replicas agree.
 * The first replica to write wins; the others read its value.
 *
 * With AUTH_SECRETS_KEY they are stored encrypted (see secret-box.ts), and a clear-text row
 * left by an older version is encrypted in place at start: upgrading needs no manual step
 * and signs nobody out. A key that does not open the stored rows stops the service: quietly
 * generating new secrets instead would end every session and invalidate every token.
 */
@Injectable()
export class ServerSecrets {
  private readonly logger = new Logger('ServerSecrets');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async getOrCreate(name: string, create: () => string): Promise<string> {
    const key = this.config.secretsKey;
    const created = create();
    await this.dataSource.query(
      'INSERT INTO auth_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, key ? seal(key, name, created) : created],
    );
    const rows: { value: string }[] = await this.dataSource.query(
      'SELECT value FROM auth_secrets WHERE name = $1',
      [name],
    );
    const stored = rows[0].value;
    if (isSealed(stored)) return this.unseal(name, stored);
    if (key) {
      // Conditional on the clear value: replicas migrating at once write one sealed value each
      // at most, and all of them keep the same clear text in memory.
      await this.dataSource.query(
        'UPDATE auth_secrets SET value = $3 WHERE name = $1 AND value = $2',
        [name, stored, seal(key, name, stored)],
      );
      this.logger.log(`encrypted the stored secret "${name}" with AUTH_SECRETS_KEY`);
    } else {
      this.logger.warn(
        `the secret "${name}" is stored in clear in auth_secrets: set AUTH_SECRETS_KEY to encrypt it`,
      );
    }
    return stored;
  }

  private unseal(name: string, stored: string): string {
    const key = this.config.secretsKey;
    if (!key) {
      throw new Error(
        `auth_secrets holds "${name}" encrypted, but AUTH_SECRETS_KEY is not set: ` +
          'start auth-service with the key it was encrypted with',
      );
    }
    const clear = open(key, name, stored);
    if (clear === undefined) {
      throw new Error(
        `AUTH_SECRETS_KEY does not decrypt the stored secret "${name}": it is not the key the ` +
          'secrets were encrypted with. Refusing to start rather than generate new secrets, which ' +
          'would sign everyone out. Give the right key; if it is lost for good, delete the rows of ' +
          'auth_secrets to start afresh (every session and access token ends).',
      );
    }
    return clear;
  }
}
