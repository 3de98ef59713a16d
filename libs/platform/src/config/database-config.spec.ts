import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDatabaseUrl, readRedisUrl } from './database-config';
import { ConfigError, EnvReader } from './env-reader';

function read(env: Record<string, string>): string {
  const reader = new EnvReader(env);
  const url = readDatabaseUrl(reader);
  reader.done();
  return url;
}

describe('readDatabaseUrl', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'database-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps DATABASE_URL as it is without DATABASE_PASSWORD', () => {
    expect(read({ DATABASE_URL: 'postgres://app:pw@db:5432/app' })).toBe(
      'postgres://app:pw@db:5432/app',
    );
  });

  it('puts the password of DATABASE_PASSWORD_FILE into the URL, percent-encoded as pg decodes it', () => {
    const password = 'p@ss:w/rd%?#50';
    const file = path.join(dir, 'password');
    writeFileSync(file, `${password}\n`);
    const url = read({ DATABASE_URL: 'postgres://app@db:5432/app', DATABASE_PASSWORD_FILE: file });
    const parsed = new URL(url);
    // What pg-connection-string does with the user info.
    expect(decodeURIComponent(parsed.password)).toBe(password);
    expect([parsed.username, parsed.host, parsed.pathname]).toEqual(['app', 'db:5432', '/app']);
  });

  it('refuses a password given twice', () => {
    expect(() =>
      read({ DATABASE_URL: 'postgres://app:one@db/app', DATABASE_PASSWORD: 'two' }),
    ).toThrow(ConfigError);
  });
});

describe('readRedisUrl', () => {
  const readRedis = (env: Record<string, string>) => {
    const reader = new EnvReader(env);
    const url = readRedisUrl(reader);
    reader.done();
    return url;
  };

  it('puts the password of REDIS_PASSWORD into the URL, as ioredis decodes it', () => {
    const url = readRedis({ REDIS_URL: 'redis://guard@redis:6379', REDIS_PASSWORD: 'a/b@c' });
    const parsed = new URL(url!);
    expect([parsed.username, decodeURIComponent(parsed.password)]).toEqual(['guard', 'a/b@c']);
  });

  it('is undefined without REDIS_URL, and refuses a password without a URL or given twice', () => {
    expect(readRedis({})).toBeUndefined();
    expect(() => readRedis({ REDIS_PASSWORD: 'x' })).toThrow(ConfigError);
    expect(() =>
      readRedis({ REDIS_URL: 'redis://u:one@redis:6379', REDIS_PASSWORD: 'two' }),
    ).toThrow(ConfigError);
  });
});
