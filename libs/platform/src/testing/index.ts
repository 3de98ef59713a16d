export { startGuardedTestApp } from './guarded-test-app';
export type { GuardedConfig, GuardedTestApp, GuardedTestAppOptions } from './guarded-test-app';
