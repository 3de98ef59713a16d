import { Module } from '@nestjs/common';
import { ORDERS_CONFIG } from '../config/orders.config';
import type { OrdersConfig } from '../config/orders.config';
import { CatalogClient } from './catalog.client';

@Module({
  providers: [
    {
      provide: CatalogClient,
      inject: [ORDERS_CONFIG],
      useFactory: (config: OrdersConfig) => new CatalogClient(config.catalog),
    },
  ],
  exports: [CatalogClient],
})
export class CatalogModule {}
