import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@hybrid-auth/auth-guard';
import type { AuthUser, Role } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated } from '@hybrid-auth/platform';

export class MeDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ enum: ['user', 'admin'] }) role!: Role;
}

/** Who the caller is, from the verified access token alone: no database, no network. */
@ApiTags('me')
@ApiAuthenticated()
@Controller('orders/me')
export class MeController {
  @Get()
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() user: AuthUser): MeDto {
    return { userId: user.userId, sessionId: user.sessionId, role: user.role };
  }
}
