import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher';
import { UsersService } from './users.service';

@Module({
  providers: [PasswordHasher, UsersService],
  exports: [PasswordHasher, UsersService],
})
export class UsersModule {}
