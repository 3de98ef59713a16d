import { Logger, Module } from '@nestjs/common';
import { ServiceTokens } from '@hybrid-auth/auth-guard';
import { ORDERS_CONFIG } from '../config/orders.config';
import type { OrdersConfig } from '../config/orders.config';
import { CatalogClient } from './catalog.client';

@Module({
  providers: [
    {
      provide: CatalogClient,
      inject: [ORDERS_CONFIG],
      useFactory: (config: OrdersConfig) => {
        if (!config.client) {
          new Logger('CatalogClient').warn(
            'no AUTH_CLIENT_KEY: catalog-service is called without a token',
          );
        }
        return new CatalogClient(
          config.catalog,
          config.client ? new ServiceTokens(config.client) : undefined,
        );
      },
    },
  ],
  exports: [CatalogClient],
})
export class CatalogModule {}
