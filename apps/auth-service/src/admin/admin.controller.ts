import { Body, Controller, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiError, ApiErrors } from '@hybrid-auth/platform';
import { AdminUsersService } from './admin-users.service';
import { UpdateUserDto } from './update-user.dto';
import type { AdminUserView } from './update-user.dto';
import { AdminOnly } from './admin-only.decorator';

/** Changing a user's role or status (see AdminOnly for what the caller needs). */
@AdminOnly()
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
