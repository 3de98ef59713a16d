import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, ensureDatabase, migrate } from '@hybrid-auth/database';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import { AUTH_CONFIG } from './config/auth.config';
import type { AuthConfig } from './config/auth.config';
import { MIGRATIONS } from './migrations';
import { Session } from './sessions/session.entity';
import { User } from './users/user.entity';

/** auth-service's own PostgreSQL database, created and migrated at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AUTH_CONFIG],
      useFactory: (config: AuthConfig) => ({
        ...dataSourceOptions({
          url: config.databaseUrl,
          entities: [User, Session],
          migrations: MIGRATIONS,
          applicationName: 'auth-service',
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
})
export class DatabaseModule {}
