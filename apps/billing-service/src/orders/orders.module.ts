import { Module } from '@nestjs/common';
import { BILLING_CONFIG } from '../config/billing.config';
import type { BillingConfig } from '../config/billing.config';
import { OrdersClient } from './orders.client';

@Module({
  providers: [
    {
      provide: OrdersClient,
      inject: [BILLING_CONFIG],
      useFactory: (config: BillingConfig) => new OrdersClient(config.orders),
    },
  ],
  exports: [OrdersClient],
})
export class OrdersModule {}
