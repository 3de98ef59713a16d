import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuardModule, JwtAuthGuard } from '@hybrid-auth/auth-guard';
import { DatabaseModule } from '@hybrid-auth/database';
import { MeController, PlatformModule } from '@hybrid-auth/platform';
import type { CatalogConfig } from './config/catalog.config';
import { ConfigModule } from './config/config.module';
import { ProductsModule } from './products/products.module';
import { MIGRATIONS } from './migrations';
import { Product } from './products/product.entity';

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
        DatabaseModule.forRoot({
          url: config.databaseUrl,
          entities: [Product],
          migrations: MIGRATIONS,
          applicationName: 'catalog-service',
        }),
        ProductsModule,
      ],
      controllers: [MeController('catalog')],
      providers: [
        // Deny by default: a valid token with one of the route's @Roles. Open routes say @Public().
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
      ],
    };
  }
}
