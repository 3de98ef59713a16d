import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';
import { AdminUsersService } from './admin-users.service';
import { BootstrapAdmin } from './bootstrap-admin';

@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [AdminController],
  providers: [AdminUsersService, BootstrapAdmin],
})
export class AdminModule {}
