import { Logger, Module } from '@nestjs/common';
import { ServiceTokens } from '@hybrid-auth/auth-guard';
import { BILLING_CONFIG } from '../config/billing.config';
import type { BillingConfig } from '../config/billing.config';
import { OrdersClient } from './orders.client';

@Module({
  providers: [
    {
      provide: OrdersClient,
      inject: [BILLING_CONFIG],
      useFactory: (config: BillingConfig) => {
        if (!config.client) {
          new Logger('OrdersClient').warn(
            "no AUTH_CLIENT_KEY: orders-service is called with the caller's own token",
          );
        }
        return new OrdersClient(
          config.orders,
          config.client ? new ServiceTokens(config.client) : undefined,
        );
      },
    },
  ],
  exports: [OrdersClient],
})
export class OrdersModule {}
