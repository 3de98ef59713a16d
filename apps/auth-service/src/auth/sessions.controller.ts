import { Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireAal2 } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiError, ApiErrors, notFound } from '@hybrid-auth/platform';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { SessionsService } from '../sessions/sessions.service';
import { SessionDto } from './dto/responses.dto';

/** A malformed id is a validation failure like any other: 400 with a `details` entry. */
function parseSessionId(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    version: '4',
    exceptionFactory: () =>
      new ApiError(400, 'validation_failed', 'Request validation failed', {
        details: [{ field: 'id', problems: ['id must be a UUID'] }],
      }),
  });
}

@ApiTags('sessions')
@ApiErrors({ 401: ['insufficient_user_authentication'] })
@ApiAuthenticated()
// Once the user has a second factor, a stolen password alone must not list or end sessions.
@RequireAal2({ whenEnrolled: true })
@Controller('auth/sessions')
export class SessionsController {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: SessionsService,
  ) {}

  @Get()
  @ApiOkResponse({ type: [SessionDto] })
  async list(@CurrentUser() user: AuthUser): Promise<SessionDto[]> {
    const sessions = await this.sessions.listLive(user.userId, this.clock.now());
    return sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent,
      ip: s.ip,
      current: s.id === user.sessionId,
    }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is ended (or already was).' })
  @ApiErrors({ 400: ['validation_failed'], 404: ['not_found'] })
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id', parseSessionId()) id: string,
  ): Promise<void> {
    const found = await this.sessions.revoke(user.userId, id, 'deleted', this.clock.now());
    if (!found) throw notFound('Session');
  }
}
