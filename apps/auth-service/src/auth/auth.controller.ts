import { Body, Controller, Get, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiTags,
  ApiHeader,
} from '@nestjs/swagger';
import {
  CurrentUser,
  Public,
  RequireAal2,
  TokenVerifier,
  extractToken,
  readCookie,
} from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiError, ApiErrors, notFound } from '@hybrid-auth/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { UsersService } from '../users/users.service';
import { toPublicUser } from '../users/user.entity';
import type { PublicUser } from '../users/user.entity';
import type { TokenAudience } from '../tokens/access-tokens.service';
import { AccountEmailService } from '../email/account-email.service';
import { AuthCookies } from './auth-cookies';
import { AuthService } from './auth.service';
import type { TokenResult } from './auth.service';
import { clientInfo } from './client-info';
import { ChangePasswordDto, LoginDto, RegisterDto } from './dto/credentials.dto';
import { AccountDto, TokenResponseDto, UserDto } from './dto/responses.dto';
import { LogoutAllDto, LogoutDto, RefreshDto } from './dto/session-requests.dto';

const COOKIE_MODE_HEADER = {
  name: 'X-Auth-Mode',
  required: false,
  description: '`cookie`: tokens as HttpOnly cookies',
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly auth: AuthService,
    private readonly accounts: AccountEmailService,
    private readonly users: UsersService,
    private readonly cookies: AuthCookies,
    private readonly verifier: TokenVerifier,
  ) {}

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors({ 400: ['validation_failed'], 409: ['email_taken'], 429: ['rate_limited'] })
  async register(@Body() dto: RegisterDto, @Req() request: FastifyRequest): Promise<PublicUser> {
    const { ip } = clientInfo(request);
    return this.accounts.register(dto.email, dto.password, ip);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiHeader(COOKIE_MODE_HEADER)
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors({
    400: ['validation_failed'],
    401: ['invalid_credentials'],
    429: ['rate_limited'],
    503: ['unavailable'],
  })
  async login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const audience = this.audience(dto.audience);
    const result = await this.auth.login(dto.email, dto.password, clientInfo(request), audience);
    return this.respond(result, reply, request.headers['x-auth-mode'] === 'cookie');
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiHeader(COOKIE_MODE_HEADER)
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors({
    400: ['validation_failed'],
    401: ['invalid_refresh_token', 'refresh_token_reused'],
    403: ['csrf_rejected'],
    429: ['rate_limited'],
    503: ['unavailable'],
  })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // `null` counts as absent, like a missing field: a token that came from the HttpOnly
    // cookie must go back only as a cookie, never in a body a page script can read.
    const fromBody = dto.refreshToken ?? undefined;
    const fromCookie = this.refreshCookie(request);
    const audience = this.audience(dto.audience);
    const result = await this.auth.refresh(fromBody ?? fromCookie, clientInfo(request), audience);
    const cookieMode =
      request.headers['x-auth-mode'] === 'cookie' ||
      (fromBody === undefined && fromCookie !== undefined);
    return this.respond(result, reply, cookieMode);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'The session is ended (or was already); cookies are cleared.',
  })
  @ApiErrors({ 400: ['validation_failed'], 429: ['rate_limited'], 503: ['unavailable'] })
  async logout(
    @Body() dto: LogoutDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.optionalUser(request);
    const refreshToken = dto.refreshToken ?? this.refreshCookie(request);
    await this.auth.logout(user, refreshToken, clientInfo(request).ip);
    this.cookies.clear(reply);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiAuthenticated()
  @ApiNoContentResponse({
    description: '`all`: every session of the caller ends; `others`: all but this one.',
  })
  @ApiErrors({ 400: ['validation_failed'] })
  async logoutAll(
    @CurrentUser() user: AuthUser,
    @Body() dto: LogoutAllDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const scope = dto.scope ?? 'all';
    await this.auth.logoutAll(user, scope);
    if (scope === 'all') this.cookies.clear(reply);
  }

  @Post('password')
  @HttpCode(204)
  @RequireAal2({ whenEnrolled: true })
  @ApiAuthenticated()
  @ApiNoContentResponse({ description: 'Password changed; every other session is ended.' })
  @ApiErrors({
    400: ['validation_failed'],
    401: ['invalid_credentials', 'insufficient_user_authentication'],
    429: ['rate_limited'],
  })
  async changePassword(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ) {
    await this.auth.changePassword(user, dto.currentPassword, dto.newPassword, request.ip);
  }

  @Get('me')
  @ApiAuthenticated()
  @ApiOkResponse({ type: AccountDto })
  async me(@CurrentUser() user: AuthUser): Promise<AccountDto> {
    const found = await this.users.findById(user.userId);
    if (!found) throw notFound('User');
    return { ...toPublicUser(found), createdAt: found.createdAt };
  }

  private respond(result: TokenResult, reply: FastifyReply, cookieMode: boolean) {
    if (!cookieMode) return result;
    this.cookies.set(reply, result);
    const { accessToken: _a, refreshToken: _r, ...rest } = result;
    return rest;
  }

  /** The only resource a caller may name is auth-service itself (AUTH_OWN_AUDIENCE). */
  private audience(requested: string | undefined): TokenAudience {
    if (requested === undefined) return 'services';
    if (requested === this.config.ownAudience) return 'self';
    throw new ApiError(400, 'validation_failed', `audience must be "${this.config.ownAudience}"`, {
      details: [{ field: 'audience', problems: [`must be ${this.config.ownAudience} or absent`] }],
    });
  }

  private refreshCookie(request: FastifyRequest): string | undefined {
    const header = request.headers.cookie;
    return typeof header === 'string'
      ? readCookie(header, this.config.cookies.refreshName)
      : undefined;
  }

  /** Logout is open to expired access tokens; a valid one names the session to end. */
  private async optionalUser(request: FastifyRequest): Promise<AuthUser | undefined> {
    try {
      const extracted = extractToken(request, this.config.cookies.accessName);
      return extracted ? await this.verifier.verify(extracted.token) : undefined;
    } catch {
      return undefined;
    }
  }
}
