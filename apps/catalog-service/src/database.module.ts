import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, ensureDatabase, migrate } from '@hybrid-auth/database';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { CATALOG_CONFIG } from './config/catalog.config';
import type { CatalogConfig } from './config/catalog.config';
import { DatabaseReadiness } from './health/database-readiness';
import { MIGRATIONS } from './migrations';
import { Product } from './products/product.entity';

/** catalog-service's own PostgreSQL database, created and migrated at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [CATALOG_CONFIG],
      useFactory: (config: CatalogConfig) => ({
        ...dataSourceOptions({
          url: config.databaseUrl,
          entities: [Product],
          migrations: MIGRATIONS,
          applicationName: 'catalog-service',
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
