import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiError, ApiErrors } from '@hybrid-auth/platform';
import type { Page } from '../events/cursor';
import { pageSize } from '../events/events.dto';
import { AdminDirectoryService } from './admin-directory.service';
import type { AdminSessionView, DirectoryUser } from './admin-directory.service';
import { AdminSessionDto, UserPageDto, UsersQueryDto } from './admin-directory.dto';
import { AdminOnly } from './admin-only.decorator';

const ADMIN_TOKEN =
  'Role admin, with an access token for auth-service alone (log in or refresh with ' +
  '`"audience": "auth-service"`); `aal2` for an admin with a second factor.';

export function parseUserId(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new ApiError(400, 'validation_failed', 'Request validation failed', {
        details: [{ field: 'id', problems: ['id must be a UUID'] }],
      }),
  });
}

/** Finding users, and their sessions (see SelfAudienceGuard for the token these need). */
@AdminOnly()
@Controller('auth/admin/users')
export class AdminDirectoryController {
  constructor(private readonly directory: AdminDirectoryService) {}

  @Get()
  @ApiOperation({
    description: `${ADMIN_TOKEN} Users in e-mail order; \`query\` keeps those whose address contains it.`,
  })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors({ 400: ['validation_failed'], 403: ['forbidden'] })
  list(@Query() query: UsersQueryDto): Promise<Page<DirectoryUser>> {
    return this.directory.list(query.query, query.cursor, pageSize(query.limit));
  }

  @Get(':id/sessions')
  @ApiOperation({ description: `${ADMIN_TOKEN} The user's live sessions, newest first.` })
  @ApiOkResponse({ type: [AdminSessionDto] })
  @ApiErrors({ 400: ['validation_failed'], 403: ['forbidden'], 404: ['not_found'] })
  sessions(@Param('id', parseUserId()) id: string): Promise<AdminSessionView[]> {
    return this.directory.sessionsOf(id);
  }

  @Delete(':id/sessions')
  @HttpCode(204)
  @ApiOperation({
    description: `${ADMIN_TOKEN} Ends every session of the user, pushed to every service.`,
  })
  @ApiNoContentResponse({ description: 'Every session of the user is ended.' })
  @ApiErrors({ 400: ['validation_failed'], 403: ['forbidden'], 404: ['not_found'] })
  async revokeAll(@Param('id', parseUserId()) id: string): Promise<void> {
    await this.directory.revokeAll(id);
  }
}
