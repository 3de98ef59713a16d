import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';
import { AdminUsersService } from './admin-users.service';
import { BootstrapAdmin } from './bootstrap-admin';
import { SelfAudienceGuard } from './self-audience.guard';

@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [AdminController],
  providers: [AdminUsersService, BootstrapAdmin, SelfAudienceGuard],
})
export class AdminModule {}
