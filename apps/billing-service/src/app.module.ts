import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuardModule, JwtAuthGuard } from '@hybrid-auth/auth-guard';
import { MeController, PlatformModule } from '@hybrid-auth/platform';
import type { BillingConfig } from './config/billing.config';
import { ConfigModule } from './config/config.module';
import { SummaryModule } from './summary/summary.module';

@Module({})
export class AppModule {
  static register(config: BillingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        PlatformModule,
        // Tokens are verified here, with auth-service's public keys: no call per request.
        // With `strict` (the default here) every guarded route also refuses with 503 while
        // no relay heartbeat has been seen within the budget: a revocation could be unheard.
        AuthGuardModule.forRoot(config.guard),
        SummaryModule,
      ],
      controllers: [MeController('billing')],
      providers: [
        // Deny by default: a valid token with one of the route's @Roles. Open routes say @Public().
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
      ],
    };
  }
}
