import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuardModule, JwtAuthGuard } from '@hybrid-auth/auth-guard';
import { DatabaseModule } from '@hybrid-auth/database';
import { PlatformModule } from '@hybrid-auth/platform';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { SessionStateGuard } from './auth/session-state.guard';
import { CLOCK } from './clock';
import type { Clock } from './clock';
import { AUTH_CONFIG } from './config/auth.config';
import type { AuthConfig } from './config/auth.config';
import { ConfigModule } from './config/config.module';
import { EventsModule } from './events/events.module';
import { RequestContextInterceptor } from './events/request-context';
import { AuthReadiness } from './health/auth-readiness';
import { AuthMetricsModule } from './metrics/auth-metrics';
import { RedisModule } from './redis/redis.module';
import { OAuthModule } from './oauth/oauth.module';
import { RevocationModule } from './revocation/revocation.module';
import { SigningKeysService } from './tokens/signing-keys.service';
import { TokensModule } from './tokens/tokens.module';
import { MIGRATIONS } from './migrations';
import { Session } from './sessions/session.entity';
import { User } from './users/user.entity';

@Module({})
export class AppModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        PlatformModule,
        AuthMetricsModule,
        DatabaseModule.forRoot({
          url: config.databaseUrl,
          entities: [User, Session],
          migrations: MIGRATIONS,
          applicationName: 'auth-service',
        }),
        RedisModule,
        TokensModule,
        // auth-service verifies its own access tokens with the same guard as everyone else,
        // keyed directly by its signing keys.
        AuthGuardModule.forRootAsync({
          imports: [TokensModule],
          inject: [AUTH_CONFIG, SigningKeysService, CLOCK],
          useFactory: (cfg: AuthConfig, keys: SigningKeysService, clock: Clock) => ({
            issuer: cfg.issuer,
            audience: cfg.ownAudience,
            keySource: keys,
            clockLeewaySeconds: cfg.clockLeewaySeconds,
            maxTokenLifetimeSeconds: cfg.accessTokenTtl,
            // The guard adds the prefix itself: the bare name and the mode.
            cookieName: cfg.cookies.accessBaseName,
            secureCookie: cfg.cookies.secure,
            clock: () => clock.now().getTime(),
          }),
        }),
        EventsModule,
        AuthModule,
        AdminModule,
        OAuthModule,
        RevocationModule,
      ],
      providers: [
        AuthReadiness,
        // Deny by default, in this order: a valid token with the route's role, then a live session.
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useExisting: SessionStateGuard },
        // Who and from where, for the audit trail (AuthEvents.record).
        { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
      ],
    };
  }
}
