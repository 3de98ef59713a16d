import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { Role } from '@hybrid-auth/auth-guard';

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ['user', 'admin'] })
  @IsOptional()
  @IsIn(['user', 'admin'])
  role?: Role;

  @ApiPropertyOptional({
    description: 'true ends every session of the user and refuses new logins',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export interface AdminUserView {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}
