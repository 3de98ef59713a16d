import { Module } from '@nestjs/common';
import { AccountEmailController } from '../email/account-email.controller';
import { AccountEmailService } from '../email/account-email.service';
import { EmailTokens } from '../email/email-tokens';
import { ForgotPassword } from '../email/forgot-password';
import { MailModule } from '../mail/mail.module';
import { MfaController } from '../mfa/mfa.controller';
import { MfaEvents } from '../mfa/mfa-events';
import { MfaService } from '../mfa/mfa.service';
import { RecoveryCodeStore } from '../mfa/recovery-code-store';
import { TotpFactors } from '../mfa/totp-factors';
import { PasskeyLoginService } from '../passkeys/passkey-login.service';
import { PasskeysController } from '../passkeys/passkeys.controller';
import { PasskeysService } from '../passkeys/passkeys.service';
import { WebAuthnChallenges } from '../passkeys/webauthn-challenges';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthCookies } from './auth-cookies';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { RateLimiter } from './rate-limiter';
import { RequestThrottleService } from './request-throttle.service';
import { SessionStateGuard } from './session-state.guard';
import { SessionsController } from './sessions.controller';

@Module({
  imports: [UsersModule, SessionsModule, TokensModule, MailModule],
  controllers: [
    AuthController,
    SessionsController,
    AccountEmailController,
    MfaController,
    PasskeysController,
  ],
  providers: [
    AuthService,
    AuthCookies,
    RateLimiter,
    LoginThrottleService,
    RequestThrottleService,
    SessionStateGuard,
    AccountEmailService,
    EmailTokens,
    ForgotPassword,
    MfaService,
    MfaEvents,
    TotpFactors,
    RecoveryCodeStore,
    PasskeysService,
    PasskeyLoginService,
    WebAuthnChallenges,
  ],
  exports: [SessionStateGuard],
})
export class AuthModule {}
