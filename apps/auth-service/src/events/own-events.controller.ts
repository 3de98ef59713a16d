import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiErrors } from '@hybrid-auth/platform';
import type { Page } from './cursor';
import { EventQuery } from './event-query';
import type { AuthEventView } from './event-types';
import { EventPageDto, OwnEventsQueryDto, pageSize } from './events.dto';

/**
 * What a user may see of their own events' details: the reason, how they signed in or stepped
 * up (`method`), recovery codes left; never the acting admin.
 */
const SHOWN_DETAILS = ['reason', 'role', 'scope', 'method', 'remaining'];

@ApiTags('events')
@ApiAuthenticated()
@Controller('auth/events')
export class OwnEventsController {
  constructor(private readonly events: EventQuery) {}

  @Get()
  @ApiOperation({
    description:
      "The caller's own security events, newest first (sign-ins from where, password, " +
      'e-mail and second-factor changes, ended sessions). An addition to the contract, for the ' +
      'account page.',
  })
  @ApiOkResponse({ type: EventPageDto })
  @ApiErrors({ 400: ['validation_failed'] })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: OwnEventsQueryDto,
  ): Promise<Page<AuthEventView>> {
    const page = await this.events.list({
      userId: user.userId,
      type: query.type,
      cursor: query.cursor,
      limit: pageSize(query.limit),
    });
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((e) => ({
        ...e,
        // What an admin did to the account shows, but not from where the admin did it.
        ...(e.details.actorId ? { ip: null, userAgent: null } : {}),
        details: Object.fromEntries(
          Object.entries(e.details).filter(([key]) => SHOWN_DETAILS.includes(key)),
        ),
      })),
    };
  }
}
