import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuthConfig } from '../config/auth.config';
import type { ServerSecrets } from './server-secrets';
import { generatePrivateJwk } from './private-jwks';
import { SigningKeysService } from './signing-keys.service';

const config = (env: Record<string, string> = {}) =>
  loadAuthConfig({ DATABASE_URL: 'postgres://localhost/auth', ...env });

/** Server secrets kept in a map, like the auth_secrets table. */
function memorySecrets() {
  const values = new Map<string, string>();
  const getOrCreate = jest.fn(async (name: string, create: () => string) => {
    if (!values.has(name)) values.set(name, create());
    return values.get(name)!;
  });
  return { values, secrets: { getOrCreate } as unknown as ServerSecrets, getOrCreate };
}

describe('SigningKeysService', () => {
  it('generates one key, keeps it in the server secrets, and reuses it on the next start', async () => {
    const { secrets, values } = memorySecrets();
    const first = new SigningKeysService(config(), secrets);
    await first.onModuleInit();
    const stored = JSON.parse(values.get('signing-key')!);
    expect(first.jwks().keys.map((k) => k.kid)).toEqual([stored.keys[0].kid]);
    const second = new SigningKeysService(config(), secrets);
    await second.onModuleInit();
    expect(second.signingKey().kid).toBe(first.signingKey().kid);
  });

  it('loads once however many modules call onModuleInit (it is also the guard key source)', async () => {
    const { secrets, getOrCreate } = memorySecrets();
    const service = new SigningKeysService(config(), secrets);
    await Promise.all([service.onModuleInit(), service.onModuleInit()]);
    expect(getOrCreate).toHaveBeenCalledTimes(1);
  });

  describe('with AUTH_SIGNING_KEYS_FILE', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'signing-keys-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('adds one SIGHUP handler however often it is initialised, and removes it on destroy', async () => {
      const file = join(dir, 'keys.json');
      await writeFile(file, JSON.stringify({ keys: [generatePrivateJwk()] }));
      const before = process.listenerCount('SIGHUP');
      const service = new SigningKeysService(
        config({ AUTH_SIGNING_KEYS_FILE: file, AUTH_SIGNING_KEYS_RELOAD: '0' }),
        memorySecrets().secrets,
      );
      await service.onModuleInit();
      await service.onModuleInit();
      const during = process.listenerCount('SIGHUP');
      service.onModuleDestroy();
      expect(during).toBe(before + 1);
      expect(process.listenerCount('SIGHUP')).toBe(before);
    });

    it('serves a public key by kid, and nothing for an unknown kid', async () => {
      const [a, b] = [generatePrivateJwk(), generatePrivateJwk()];
      const file = join(dir, 'two.json');
      await writeFile(file, JSON.stringify({ keys: [a, b] }));
      const service = new SigningKeysService(
        config({ AUTH_SIGNING_KEYS_FILE: file, AUTH_SIGNING_KEYS_RELOAD: '0' }),
        memorySecrets().secrets,
      );
      await service.onModuleInit();
      service.onModuleDestroy();
      expect(service.hasKeys()).toBe(true);
      expect(service.get(b.kid)?.export({ format: 'jwk' })).toMatchObject({ x: b.x, y: b.y });
      expect(service.get('unknown')).toBeUndefined();
      expect(service.describe()).toEqual({ keys: 2 });
    });
  });
});
