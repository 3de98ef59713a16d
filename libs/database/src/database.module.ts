import { Injectable, Module } from '@nestjs/common';
import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReadinessRegistry } from '@hybrid-auth/platform';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { dataSourceOptions, migrateDatabase } from './data-source';
import type { DatabaseOptions } from './data-source';
import { ensureDatabase } from './ensure-database';

/** Ready when PostgreSQL answers. */
@Injectable()
class DatabaseReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('database', async () => {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok' };
    });
  }
}

/**
 * A service's own PostgreSQL database through TypeORM: created if missing, migrated at start
 * (under an advisory lock, so replicas may start together), and part of `/health/ready`.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(options),
            retryAttempts: 5,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (typeormOptions?: DataSourceOptions) => {
            await ensureDatabase(options.url);
            await migrateDatabase(options);
            return new DataSource(typeormOptions!).initialize();
          },
        }),
      ],
      providers: [DatabaseReadiness],
    };
  }
}
