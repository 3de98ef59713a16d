import { ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** The `audience` of login and refresh: an RFC 8707 resource indicator, checked by the controller. */
export const AUDIENCE_PROPERTY: ApiPropertyOptions = {
  description:
    'Optional resource indicator (RFC 8707 style). `auth-service` (its AUTH_OWN_AUDIENCE) asks ' +
    'for an access token whose `aud` is `["auth-service"]` alone: the only kind the admin routes ' +
    'accept, and one no other service accepts. Omit it for the ordinary token (AUTH_AUDIENCES ' +
    'plus auth-service). The refresh token is the same either way.',
  example: 'auth-service',
};

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Omit when the refresh-token cookie is sent instead.' })
  @IsOptional()
  @IsString()
  // Generous enough that a wrong kind of token (an access token) gets 401, not 400.
  @MaxLength(4096)
  refreshToken?: string;
}

export class RefreshDto extends LogoutDto {
  @ApiPropertyOptional(AUDIENCE_PROPERTY)
  @IsOptional()
  @IsString()
  @MaxLength(128)
  audience?: string;
}

export class LogoutAllDto {
  @ApiPropertyOptional({ enum: ['all', 'others'], default: 'all' })
  @IsOptional()
  @IsIn(['all', 'others'])
  scope?: 'all' | 'others';
}
