import type { EnvReader } from './env-reader';

const PROTOCOLS = ['postgres:', 'postgresql:'];

/**
 * DATABASE_URL, with the password of DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE, a Docker
 * secret) put in when that is set: the URL then holds no secret and the password lives in one
 * file, the same one the database server is initialised from.
 */
export function readDatabaseUrl(read: EnvReader): string {
  const url = read.url('DATABASE_URL', PROTOCOLS);
  const password = read.optionalString('DATABASE_PASSWORD');
  if (password === undefined || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password !== '') {
    read.fail('DATABASE_URL holds a password and DATABASE_PASSWORD is set; set one of them');
    return url;
  }
  // pg decodes the user info: every reserved character must arrive percent-encoded.
  parsed.password = encodeURIComponent(password);
  return parsed.href;
}
