export { dataSourceOptions, migrate, migrateDatabase, openDatabase } from './data-source';
export type { DatabaseOptions } from './data-source';
export { dropDatabase, ensureDatabase } from './ensure-database';
export { databaseName, quoteIdent, redactUrl, withDatabase } from './database-url';
export { DatabaseModule } from './database.module';
export { migrateMain, runMigrateCommand } from './migrate-command';
