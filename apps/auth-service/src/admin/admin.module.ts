import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';
import { AdminDirectoryController } from './admin-directory.controller';
import { AdminDirectoryService } from './admin-directory.service';
import { AdminEventsController } from './admin-events.controller';
import { AdminUsersService } from './admin-users.service';
import { BootstrapAdmin } from './bootstrap-admin';
import { SelfAudienceGuard } from './self-audience.guard';

@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [AdminController, AdminDirectoryController, AdminEventsController],
  providers: [AdminUsersService, AdminDirectoryService, BootstrapAdmin, SelfAudienceGuard],
})
export class AdminModule {}
