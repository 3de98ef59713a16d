import { Inject, Injectable, Optional } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { KeySource } from './keys/key-source';
import type { RevocationFeed } from './revocation/revocation-feed';
import { KEY_SOURCE, REVOCATION_FEED } from './injection-tokens';

/**
 * Starts the guard's background work (key fetching, the revocation feed) with the module and
 * stops it with the module. Reporting on that work is `AuthGuardStatus`'s job.
 */
@Injectable()
export class AuthGuardLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(KEY_SOURCE) private readonly keys: KeySource,
    @Optional() @Inject(REVOCATION_FEED) private readonly feed: RevocationFeed | null,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.keys.start?.();
    await this.feed?.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.keys.stop?.();
    await this.feed?.stop();
  }
}
