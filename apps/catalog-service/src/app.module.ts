import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuardModule, JwtAuthGuard, RolesGuard } from '@hybrid-auth/auth-guard';
import { PlatformModule } from '@hybrid-auth/platform';
import type { CatalogConfig } from './config/catalog.config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database.module';
import { MeController } from './me/me.controller';
import { ProductsModule } from './products/products.module';

@Module({})
export class AppModule {
  static register(config: CatalogConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        PlatformModule,
        // Tokens are verified here, with auth-service's public keys: no call per request.
        AuthGuardModule.forRoot(config.guard),
        DatabaseModule,
        ProductsModule,
      ],
      controllers: [MeController],
      providers: [
        // Deny by default: a valid token, then the role. Open routes say @Public().
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useExisting: RolesGuard },
      ],
    };
  }
}
