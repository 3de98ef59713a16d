import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiPropertyOptional({ description: 'Omit when the refresh-token cookie is sent instead.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  refreshToken?: string;
}

export class LogoutDto extends RefreshDto {}

export class LogoutAllDto {
  @ApiPropertyOptional({ enum: ['all', 'others'], default: 'all' })
  @IsOptional()
  @IsIn(['all', 'others'])
  scope?: 'all' | 'others';
}
