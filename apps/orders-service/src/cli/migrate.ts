/**
 * Applies orders-service's pending database migrations once and exits (DATABASE_URL and
 * DATABASE_PASSWORD[_FILE], as the service reads them): the Kubernetes migration Job in
 * deploy/k8s runs it before a rollout. The service also migrates at start, under the same lock.
 *
 *   node apps/orders-service/dist/cli/migrate.js
 */
import { migrateMain } from '@hybrid-auth/database';
import { MIGRATIONS } from '../migrations';

migrateMain(MIGRATIONS);
