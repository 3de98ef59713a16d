import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuardModule, JwtAuthGuard } from '@hybrid-auth/auth-guard';
import { DatabaseModule } from '@hybrid-auth/database';
import { MeController, PlatformModule } from '@hybrid-auth/platform';
import type { OrdersConfig } from './config/orders.config';
import { ConfigModule } from './config/config.module';
import { OrdersModule } from './orders/orders.module';
import { MIGRATIONS } from './migrations';
import { Order } from './orders/order.entity';

@Module({})
export class AppModule {
  static register(config: OrdersConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        PlatformModule,
        // Tokens are verified here, with auth-service's public keys: no call per request.
        AuthGuardModule.forRoot(config.guard),
        DatabaseModule.forRoot({
          url: config.databaseUrl,
          entities: [Order],
          migrations: MIGRATIONS,
          applicationName: 'orders-service',
        }),
        OrdersModule,
      ],
      controllers: [MeController('orders')],
      providers: [
        // Deny by default: a valid token with one of the route's @Roles. Open routes say @Public().
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
      ],
    };
  }
}
