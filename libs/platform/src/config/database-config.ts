import type { EnvReader } from './env-reader';

/**
 * DATABASE_URL, with the password of DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE, a Docker
 * secret) put in when that is set: the URL then holds no secret and the password lives in one
 * file, the same one the database server is initialised from.
 */
export function readDatabaseUrl(read: EnvReader): string {
  const url = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  return withPassword(read, url, 'DATABASE_URL', 'DATABASE_PASSWORD');
}

/**
 * REDIS_URL (optional), with the password of REDIS_PASSWORD (or REDIS_PASSWORD_FILE) put in
 * the same way: compose gives each service its Redis ACL user's password as a secret.
 */
export function readRedisUrl(read: EnvReader): string | undefined {
  const url = read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']);
  if (url === undefined) {
    if (read.optionalString('REDIS_PASSWORD') !== undefined)
      read.fail('REDIS_PASSWORD is set but REDIS_URL is not');
    return undefined;
  }
  return withPassword(read, url, 'REDIS_URL', 'REDIS_PASSWORD');
}

function withPassword(read: EnvReader, url: string, urlName: string, passwordName: string) {
  const password = read.optionalString(passwordName);
  if (password === undefined || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password !== '') {
    read.fail(`${urlName} holds a password and ${passwordName} is set; set one of them`);
    return url;
  }
  // pg and ioredis decode the user info: every reserved character must arrive percent-encoded.
  parsed.password = encodeURIComponent(password);
  return parsed.href;
}
