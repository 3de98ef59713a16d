import { Controller, Get } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@hybrid-auth/auth-guard';
import type { AuthUser, Role } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated } from './api-docs';

export class TokenIdentityDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ enum: ['user', 'admin'] }) role!: Role;
}

/**
 * `GET /<prefix>/me` (docs/api.md): who the caller is, from the verified access token alone, with no
 * database and no network. Every downstream service mounts one under its own prefix.
 */
export function MeController(prefix: string): Type<unknown> {
  @ApiTags('me')
  @ApiAuthenticated()
  @Controller(`${prefix}/me`)
  class Me {
    @Get()
    @ApiOkResponse({ type: TokenIdentityDto })
    me(@CurrentUser() user: AuthUser): TokenIdentityDto {
      return { userId: user.userId, sessionId: user.sessionId, role: user.role };
    }
  }
  return Me;
}
