import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public, RequireAal2 } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiError, ApiErrors } from '@hybrid-auth/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthCookies } from '../auth/auth-cookies';
import { clientInfo } from '../auth/client-info';
import { TokenResponseDto } from '../auth/dto/responses.dto';
import { PasskeyLoginService } from './passkey-login.service';
import {
  PasskeyDto,
  PasskeyResponseDto,
  RegisterPasskeyDto,
  WebAuthnOptionsDto,
} from './passkeys.dto';
import { PasskeysService } from './passkeys.service';

/** A malformed id is a validation failure like any other: 400 with a `details` entry. */
function parseId(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      new ApiError(400, 'validation_failed', 'Request validation failed', {
        details: [{ field: 'id', problems: ['id must be a UUID'] }],
      }),
  });
}

@ApiTags('passkeys')
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly logins: PasskeyLoginService,
    private readonly cookies: AuthCookies,
  ) {}

  @Post('register/options')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @RequireAal2({ whenEnrolled: true })
  @ApiAuthenticated()
  @ApiOkResponse({
    type: WebAuthnOptionsDto,
    description: 'PublicKeyCredentialCreationOptionsJSON',
  })
  @ApiErrors({ 400: ['validation_failed'], 401: ['insufficient_user_authentication'] })
  registrationOptions(@CurrentUser() user: AuthUser) {
    return this.passkeys.registrationOptions(user);
  }

  @Post('register')
  @RequireAal2({ whenEnrolled: true })
  @ApiAuthenticated()
  @ApiCreatedResponse({ type: PasskeyDto })
  @ApiErrors({ 400: ['validation_failed'], 401: ['insufficient_user_authentication'] })
  register(@CurrentUser() user: AuthUser, @Body() dto: RegisterPasskeyDto): Promise<PasskeyDto> {
    return this.passkeys.register(user, dto.response, dto.name);
  }

  @Public()
  @Post('login/options')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ type: WebAuthnOptionsDto, description: 'PublicKeyCredentialRequestOptionsJSON' })
  @ApiErrors({ 429: ['rate_limited'] })
  loginOptions(@Req() request: FastifyRequest) {
    return this.logins.options(clientInfo(request).ip);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors({ 400: ['validation_failed'], 401: ['invalid_credentials'], 429: ['rate_limited'] })
  async login(
    @Body() dto: PasskeyResponseDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.logins.login(dto.response, clientInfo(request));
    if (request.headers['x-auth-mode'] !== 'cookie') return result;
    this.cookies.set(reply, result);
    const { accessToken: _a, refreshToken: _r, ...rest } = result;
    return rest;
  }

  @Get()
  @ApiAuthenticated()
  @ApiOkResponse({ type: [PasskeyDto] })
  list(@CurrentUser() user: AuthUser): Promise<PasskeyDto[]> {
    return this.passkeys.list(user.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAal2({ whenEnrolled: true })
  @ApiAuthenticated()
  @ApiNoContentResponse({ description: 'The passkey no longer signs in.' })
  @ApiErrors({
    400: ['validation_failed'],
    401: ['insufficient_user_authentication'],
    404: ['not_found'],
  })
  async remove(@CurrentUser() user: AuthUser, @Param('id', parseId()) id: string): Promise<void> {
    await this.passkeys.remove(user, id);
  }
}
