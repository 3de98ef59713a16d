export { TEST_ISSUER, TEST_REDIS_URL, startGuardedTestApp } from './guarded-test-app';
export type { GuardedConfig, GuardedTestApp, GuardedTestAppOptions } from './guarded-test-app';
