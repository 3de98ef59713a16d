import { Controller, Get, Req } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
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
    // `@Req()` rather than `@CurrentUser()`: Nest hands the value of every custom parameter
    // decorator to the global pipes (the validation pipe, which has nothing to check in it):
    // half a dozen promises per request, each also paying the request context's async hooks.
    // The request itself is passed as it is, with no pipe and no promise. On this route, the
    // cheapest guarded read of every service, that chain was the largest cost besides the
    // guard's own (bench/README.md, "The real services").
    me(@Req() request: { user: AuthUser }): TokenIdentityDto {
      const { user } = request;
      return { userId: user.userId, sessionId: user.sessionId, role: user.role };
    }
  }
  return Me;
}
