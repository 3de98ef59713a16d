import { Body, Controller, Param, ParseUUIDPipe, Patch, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAal2, Roles } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiError, ApiErrors } from '@hybrid-auth/platform';
import { AdminUsersService } from './admin-users.service';
import { UpdateUserDto } from './update-user.dto';
import type { AdminUserView } from './update-user.dto';
import { SelfAudienceGuard } from './self-audience.guard';

/**
 * Needs role admin and an access token for auth-service alone (`aud: ["auth-service"]`,
 * from login or refresh with `audience: "auth-service"`): see SelfAudienceGuard. An admin
 * with a second factor also needs `aal2` (401 `insufficient_user_authentication` with the
 * RFC 9470 challenge otherwise, from the global guard), as for their own sessions.
 */
@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors({ 401: ['insufficient_user_authentication'] })
@Roles('admin')
@RequireAal2({ whenEnrolled: true })
@UseGuards(SelfAudienceGuard)
@Controller('auth/admin/users')
export class AdminController {
  constructor(private readonly users: AdminUsersService) {}

  @Patch(':id')
  @ApiOkResponse({
    description: 'The user as it now is: `{ id, email, role, disabled, createdAt }`.',
  })
  @ApiOperation({
    description:
      'Role admin, with an access token for auth-service alone: log in or refresh with ' +
      '`"audience": "auth-service"`. An ordinary token (one that lists other services) is ' +
      '401 `invalid_token`, whoever holds it. An admin with a second factor needs `aal2`.',
  })
  @ApiErrors({ 400: ['validation_failed'], 403: ['forbidden'], 404: ['not_found'] })
  async update(
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<AdminUserView> {
    if (dto.role === undefined && dto.disabled === undefined) {
      throw new ApiError(400, 'validation_failed', 'Give at least one of role, disabled', {
        details: [{ field: '(body)', problems: ['role or disabled is required'] }],
      });
    }
    return this.users.update(id, dto);
  }
}
