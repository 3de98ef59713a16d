import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../repo';
import { say } from './say';

const DATA_DIR = path.join(REPO_ROOT, '.data');

/**
 * auth-service's AUTH_SECRETS_KEY, which encrypts the secrets it keeps in its database:
 * the one given, or one generated on the first run and kept in .data/auth-secrets-key
 * (readable by this user only), next to the embedded database it unlocks. Never in the
 * database itself, so a dump of it holds no usable key.
 */
export function secretsKey(env: NodeJS.ProcessEnv): string {
  if (env.AUTH_SECRETS_KEY) return env.AUTH_SECRETS_KEY;
  const file = path.join(DATA_DIR, 'auth-secrets-key');
  if (!existsSync(file)) {
    mkdirSync(DATA_DIR, { recursive: true });
    say(`Generating AUTH_SECRETS_KEY into ${path.relative(REPO_ROOT, file)} (once)`);
    // 'wx': two starts at once cannot both write a key.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
