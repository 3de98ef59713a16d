import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { UsersService } from '../users/users.service';

/**
 * With AUTH_BOOTSTRAP_ADMIN_EMAIL and AUTH_BOOTSTRAP_ADMIN_PASSWORD set, creates that admin
 * at start if the address is free. It only ever creates: promoting an existing account would
 * hand admin rights to whoever registered the address first (with their own password), so an
 * existing non-admin stops the start instead, and an existing admin is left exactly as it is.
 * Replicas starting together are fine: the email is unique, one creates, the others find it.
 */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seed = this.config.bootstrapAdmin;
    if (!seed) return;
    let existing = await this.users.findCredentials(seed.email);
    if (!existing) {
      try {
        await this.users.register(seed.email, seed.password, 'admin');
        this.logger.log(`created the bootstrap admin ${seed.email}`);
        return;
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'email_taken')) throw error;
        existing = await this.users.findCredentials(seed.email);
      }
    }
    if (existing?.user.role === 'admin') return;
    throw new Error(
      `AUTH_BOOTSTRAP_ADMIN_EMAIL names ${seed.email}, an existing account that is not an admin. ` +
        'Refusing to start rather than make it one: whoever registered that address would ' +
        'become admin with their own password. Set AUTH_BOOTSTRAP_ADMIN_EMAIL to an address ' +
        'nobody has registered (or unset it and AUTH_BOOTSTRAP_ADMIN_PASSWORD), or, if that ' +
        'account is yours, have an existing admin give it the role (PATCH /auth/admin/users/:id).',
    );
  }
}
