import { Body, Controller, Delete, Get, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireAal2 } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiError, ApiErrors } from '@hybrid-auth/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthCookies } from '../auth/auth-cookies';
import type { TokenResult } from '../auth/auth.service';
import { TokenResponseDto } from '../auth/dto/responses.dto';
import {
  MfaStatusDto,
  MfaVerifyDto,
  TotpCodeDto,
  TotpConfirmedDto,
  TotpEnrollmentDto,
} from './mfa.dto';
import { MfaService } from './mfa.service';

const CODE_ERRORS: Parameters<typeof ApiErrors>[0] = {
  400: ['validation_failed'],
  401: ['invalid_credentials', 'insufficient_user_authentication'],
  429: ['rate_limited'],
};

/**
 * TOTP and step-up. Changing factors needs aal2 once the user has one (`whenEnrolled`):
 * otherwise a stolen password would be enough to swap the second factor.
 */
@ApiTags('mfa')
@Controller('auth/mfa')
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly cookies: AuthCookies,
  ) {}

  @Get()
  @ApiAuthenticated()
  @ApiOkResponse({ type: MfaStatusDto })
  status(@CurrentUser() user: AuthUser): Promise<MfaStatusDto> {
    return this.mfa.status(user.userId);
  }

  @Post('totp/enroll')
  @ApiAuthenticated()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @RequireAal2({ whenEnrolled: true })
  @ApiOkResponse({ type: TotpEnrollmentDto })
  @ApiErrors({ 400: ['validation_failed'], 401: ['insufficient_user_authentication'] })
  enroll(@CurrentUser() user: AuthUser): Promise<TotpEnrollmentDto> {
    return this.mfa.enroll(user);
  }

  @Post('totp/confirm')
  @ApiAuthenticated()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @RequireAal2({ whenEnrolled: true })
  @ApiOkResponse({ type: TotpConfirmedDto })
  @ApiErrors({ ...CODE_ERRORS, 404: ['not_found'] })
  async confirm(
    @CurrentUser() user: AuthUser,
    @Body() dto: TotpCodeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { recoveryCodes, ...tokens } = await this.mfa.confirm(user, dto.code, request.ip);
    return { ...this.respond(tokens, request, reply), recoveryCodes };
  }

  @Delete('totp')
  @ApiAuthenticated()
  @HttpCode(204)
  @RequireAal2()
  @ApiNoContentResponse({ description: 'TOTP and its recovery codes are gone.' })
  @ApiErrors({ 401: ['insufficient_user_authentication'], 404: ['not_found'] })
  async remove(@CurrentUser() user: AuthUser): Promise<void> {
    await this.mfa.remove(user);
  }

  @Post('verify')
  @ApiAuthenticated()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors(CODE_ERRORS)
  async verify(
    @CurrentUser() user: AuthUser,
    @Body() dto: MfaVerifyDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if ((dto.code === undefined) === (dto.recoveryCode === undefined)) {
      throw new ApiError(400, 'validation_failed', 'Send either code or recoveryCode', {
        details: [{ field: 'code', problems: ['exactly one of code and recoveryCode'] }],
      });
    }
    const result = await this.mfa.verify(user, dto, request.ip);
    return this.respond(result, request, reply);
  }

  /**
   * Cookie mode when asked for, or when the access token itself came in a cookie: the guard
   * reads the Authorization header first, so a request it admitted without one was
   * authenticated by the cookie, and its new tokens must stay out of page scripts' reach.
   */
  private respond(result: TokenResult, request: FastifyRequest, reply: FastifyReply) {
    const fromCookie = request.headers.authorization === undefined;
    if (request.headers['x-auth-mode'] !== 'cookie' && !fromCookie) return result;
    this.cookies.set(reply, result);
    const { accessToken: _a, refreshToken: _r, ...rest } = result;
    return rest;
  }
}
