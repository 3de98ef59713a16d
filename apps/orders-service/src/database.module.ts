import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, ensureDatabase, migrate } from '@hybrid-auth/database';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { ORDERS_CONFIG } from './config/orders.config';
import type { OrdersConfig } from './config/orders.config';
import { DatabaseReadiness } from './health/database-readiness';
import { MIGRATIONS } from './migrations';
import { Order } from './orders/order.entity';

/** orders-service's own PostgreSQL database, created and migrated at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ORDERS_CONFIG],
      useFactory: (config: OrdersConfig) => ({
        ...dataSourceOptions({
          url: config.databaseUrl,
          entities: [Order],
          migrations: MIGRATIONS,
          applicationName: 'orders-service',
        }),
        retryAttempts: 5,
        retryDelay: 1000,
      }),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const url = (options as { url: string }).url;
        await ensureDatabase(url);
        const dataSource = await new DataSource(options!).initialize();
        await migrate(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [DatabaseReadiness],
})
export class DatabaseModule {}
