import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '@hybrid-auth/platform';
import type { Page } from '../events/cursor';
import { EventQuery } from '../events/event-query';
import type { AuthEventView } from '../events/event-types';
import { AdminEventsQueryDto, EventPageDto, pageSize } from '../events/events.dto';
import { AdminOnly } from './admin-only.decorator';

/** The audit trail, for admins (see SelfAudienceGuard for the token it needs). */
@AdminOnly()
@Controller('auth/admin/events')
export class AdminEventsController {
  constructor(private readonly events: EventQuery) {}

  @Get()
  @ApiOperation({
    description:
      'Role admin, with an access token for auth-service alone (`aal2` for an admin with a ' +
      'second factor). Security events, newest ' +
      'first, optionally of one user and of one type.',
  })
  @ApiOkResponse({ type: EventPageDto })
  @ApiErrors({ 400: ['validation_failed'], 403: ['forbidden'] })
  list(@Query() query: AdminEventsQueryDto): Promise<Page<AuthEventView>> {
    return this.events.list({
      userId: query.userId,
      type: query.type,
      cursor: query.cursor,
      limit: pageSize(query.limit),
    });
  }
}
