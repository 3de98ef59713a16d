import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { KeySource, PublicJwk } from '@hybrid-auth/auth-guard';
import { readFile, stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { ServerSecrets } from './server-secrets';
import { generatePrivateJwk, parseSigningKeys } from './private-jwks';
import type { SigningKeySet } from './private-jwks';

/**
 * The signing keys, held in memory once loaded: signing and JWKS never touch the database,
 * so JWKS keeps answering while PostgreSQL is down.
 *
 * With AUTH_SIGNING_KEYS_FILE the file is the source of truth and is re-read when it
 * changes (every AUTH_SIGNING_KEYS_RELOAD seconds, and on SIGHUP): rotating keys needs no
 * restart. Without it, one key is generated on first start and kept in the database.
 * It is also the KeySource of auth-service's own guard.
 */
@Injectable()
export class SigningKeysService implements KeySource, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private keys!: SigningKeySet;
  private fileVersion = '';
  private timer: NodeJS.Timeout | undefined;
  private loaded: Promise<void> | undefined;
  private readonly onHangup = () => void this.reloadFile();

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly secrets: ServerSecrets,
  ) {}

  /**
   * Nest calls this hook for every module that holds the instance, and this one is also the
   * guard's key source: load once, or each call would add a SIGHUP handler and a timer.
   */
  onModuleInit(): Promise<void> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async load(): Promise<void> {
    if (!this.config.signingKeysFile) {
      const stored = await this.secrets.getOrCreate('signing-key', () =>
        JSON.stringify({ keys: [generatePrivateJwk()] }),
      );
      this.keys = parseSigningKeys(JSON.parse(stored), 'stored signing key');
      return;
    }
    await this.reloadFile(true);
    process.on('SIGHUP', this.onHangup);
    if (this.config.signingKeysReloadSeconds > 0) {
      this.timer = setInterval(
        () => void this.reloadFile(),
        this.config.signingKeysReloadSeconds * 1000,
      );
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    process.off('SIGHUP', this.onHangup);
  }

  signingKey(): { kid: string; privateKey: KeyObject } {
    return this.keys.signing;
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.published.map((key) => key.jwk) };
  }

  get(kid: string): KeyObject | undefined {
    return this.keys.published.find((key) => key.kid === kid)?.publicKey;
  }

  hasKeys(): boolean {
    return this.keys !== undefined;
  }

  describe() {
    return { keys: this.keys?.published.length ?? 0 };
  }

  /** Re-reads the keys file when it changed; a bad file keeps the current keys (and is logged). */
  private async reloadFile(initial = false): Promise<void> {
    const file = this.config.signingKeysFile!;
    try {
      const info = await stat(file);
      const version = `${info.mtimeMs}:${info.size}`;
      if (!initial && version === this.fileVersion) return;
      const keys = parseSigningKeys(JSON.parse(await readFile(file, 'utf8')), file);
      const changed =
        !this.keys ||
        this.keys.signing.kid !== keys.signing.kid ||
        this.keys.published.length !== keys.published.length;
      this.keys = keys;
      this.fileVersion = version;
      if (changed) {
        this.logger.log({
          msg: 'signing keys loaded',
          signingKid: keys.signing.kid,
          published: keys.published.map((k) => k.kid),
        });
      }
    } catch (error) {
      if (initial) throw error;
      this.logger.error(
        `keeping the current signing keys: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
