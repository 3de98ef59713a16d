import { Controller, Get, Headers } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessToken, CurrentUser, RequireAal2 } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiErrors } from '@hybrid-auth/platform';
import { SummaryDto } from './dto/summary.dto';
import { SummaryService } from './summary.service';

@ApiTags('billing')
@ApiErrors({ 401: ['insufficient_user_authentication'] })
@ApiAuthenticated()
// Money: a user who has a second factor must have used it (docs/mfa.md, "Billing policy").
@RequireAal2({ whenEnrolled: true })
@Controller('billing')
export class SummaryController {
  constructor(private readonly summaries: SummaryService) {}

  @Get('summary')
  @ApiOperation({
    summary: "The caller's order count and total, from orders-service's aggregate",
    description:
      'Strict: 503 `unavailable` while revocation news may be stale, or while orders-service ' +
      'is down or slower than ORDERS_TIMEOUT_MS. A 401 from orders-service is passed through ' +
      'with its code. Users with a second factor (`mfa_enrolled`) need an `aal2` token: 401 ' +
      '`insufficient_user_authentication` otherwise.',
  })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Passed on to orders-service' })
  @ApiOkResponse({ type: SummaryDto })
  summary(
    @CurrentUser() user: AuthUser,
    @AccessToken() accessToken: string,
    @Headers('x-request-id') requestId?: string,
  ): Promise<SummaryDto> {
    return this.summaries.summarize(user.userId, accessToken, requestId);
  }
}
