import path from 'node:path';

/**
 * The repository root: this file is libs/stack/src/repo.ts (tests) or libs/stack/dist/repo.js
 * (built), two levels below libs/. Process entry points in the stack list are relative to it.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
