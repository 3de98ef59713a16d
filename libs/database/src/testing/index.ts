export { TEST_SERVER_URL, createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export { startGuardedDatabaseApp } from './guarded-database-app';
export type { GuardedDatabaseApp } from './guarded-database-app';
