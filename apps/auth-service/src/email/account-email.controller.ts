import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, RequireAal2 } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiErrors } from '@hybrid-auth/platform';
import type { FastifyRequest } from 'fastify';
import { clientInfo } from '../auth/client-info';
import {
  ChangeEmailDto,
  EmailTokenDto,
  EmailVerifiedDto,
  ForgotPasswordDto,
  ResetPasswordDto,
} from './account-email.dto';
import { AccountEmailService } from './account-email.service';

@ApiTags('auth')
@Controller('auth')
export class AccountEmailController {
  constructor(private readonly accounts: AccountEmailService) {}

  @Public()
  @Post('email/verify')
  @HttpCode(200)
  @ApiOkResponse({ type: EmailVerifiedDto })
  @ApiErrors({ 400: ['validation_failed', 'invalid_email_token'] })
  verify(@Body() dto: EmailTokenDto): Promise<EmailVerifiedDto> {
    return this.accounts.verify(dto.token);
  }

  @Post('email/verify/resend')
  @HttpCode(202)
  @ApiAuthenticated()
  @ApiAcceptedResponse({ description: 'A new link is on its way (none if already verified).' })
  @ApiErrors({ 429: ['rate_limited'] })
  async resend(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest): Promise<void> {
    await this.accounts.resend(user, clientInfo(request).ip);
  }

  @Public()
  @Post('password/forgot')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Always, whether or not the address has an account.' })
  @ApiErrors({ 400: ['validation_failed'], 429: ['rate_limited'] })
  async forgot(@Body() dto: ForgotPasswordDto, @Req() request: FastifyRequest): Promise<void> {
    await this.accounts.forgot(dto.email, clientInfo(request).ip);
  }

  @Public()
  @Post('password/reset')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password set, address verified, every session ended.' })
  @ApiErrors({ 400: ['validation_failed', 'invalid_email_token'] })
  async reset(@Body() dto: ResetPasswordDto): Promise<void> {
    await this.accounts.reset(dto.token, dto.newPassword);
  }

  @Post('email/change')
  @RequireAal2({ whenEnrolled: true })
  @HttpCode(202)
  @ApiAuthenticated()
  @ApiAcceptedResponse({ description: 'A link to the new address, a notice to the old one.' })
  @ApiErrors({
    400: ['validation_failed'],
    401: ['invalid_credentials', 'insufficient_user_authentication'],
    429: ['rate_limited'],
  })
  async change(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangeEmailDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const { ip } = clientInfo(request);
    await this.accounts.changeEmail(user, dto.newEmail, dto.currentPassword, ip);
  }
}
