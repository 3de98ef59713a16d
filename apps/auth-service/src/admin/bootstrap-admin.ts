import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { UsersService } from '../users/users.service';
import { AdminUsersService } from './admin-users.service';

/**
 * With AUTH_BOOTSTRAP_ADMIN_EMAIL and AUTH_BOOTSTRAP_ADMIN_PASSWORD set, makes sure at start
 * that this user exists with role admin. An existing user keeps its password (the variable
 * only seeds the first one); replicas starting together are fine (the email is unique).
 */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UsersService,
    private readonly admin: AdminUsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seed = this.config.bootstrapAdmin;
    if (!seed) return;
    let found = await this.users.findCredentials(seed.email);
    if (!found) {
      try {
        await this.users.register(seed.email, seed.password, 'admin');
        this.logger.log(`created the bootstrap admin ${seed.email}`);
        return;
      } catch {
        found = await this.users.findCredentials(seed.email);
      }
    }
    if (found && found.user.role !== 'admin') {
      await this.admin.update(found.user.id, { role: 'admin' });
      this.logger.log(`gave role admin to ${seed.email}`);
    }
  }
}
