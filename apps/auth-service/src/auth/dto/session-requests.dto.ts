import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiPropertyOptional({ description: 'Omit when the refresh-token cookie is sent instead.' })
  @IsOptional()
  @IsString()
  // Generous enough that a wrong kind of token (an access token) gets 401, not 400.
  @MaxLength(4096)
  refreshToken?: string;
}

export class LogoutDto extends RefreshDto {}

export class LogoutAllDto {
  @ApiPropertyOptional({ enum: ['all', 'others'], default: 'all' })
  @IsOptional()
  @IsIn(['all', 'others'])
  scope?: 'all' | 'others';
}
