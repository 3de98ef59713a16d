import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './support/service-process';

type Env = Record<string, string | undefined>;
/** The secrets deploy/service-keys.mjs makes (JSON, not random strings). */
const SERVICE_KEYS = [
  'auth_clients',
  'catalog_client_key',
  'orders_client_key',
  'billing_client_key',
];
interface ComposeService {
  environment?: Record<string, string>;
  secrets?: string[];
  build?: { args?: Record<string, string> };
}

/** Each service's built config loader, as its main.ts calls it at start. */
const LOADERS: Record<string, [file: string, name: string]> = {
  'auth-service': ['apps/auth-service/dist/config/auth.config.js', 'loadAuthConfig'],
  'catalog-service': ['apps/catalog-service/dist/config/catalog.config.js', 'loadCatalogConfig'],
  'orders-service': ['apps/orders-service/dist/config/orders.config.js', 'loadOrdersConfig'],
  'billing-service': ['apps/billing-service/dist/config/billing.config.js', 'loadBillingConfig'],
};

function loader(service: string): (env: Env) => unknown {
  const [file, name] = LOADERS[service];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(path.join(ROOT, file)) as Record<string, (env: Env) => unknown>;
  return module[name];
}

/** Compose's `${NAME:-default}` with no .env: the default. */
const interpolate = (value: string) => value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

/**
 * docker-compose.yml's services as the containers see them, without a container engine: the
 * production environment the Dockerfile sets, the compose environment, and each secret a file.
 * What `docker compose up` once met only at run time (auth-service refusing the compose
 * cookie default in production, in a restart loop) fails here.
 */
describe('docker-compose.yml against the services’ own configuration checks', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, ComposeService> };
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  let secrets: string;
  beforeAll(() => {
    secrets = mkdtempSync(path.join(os.tmpdir(), 'compose-secrets-'));
    execFileSync(process.execPath, [path.join(ROOT, 'deploy/service-keys.mjs'), secrets]);
  });
  afterAll(() => rmSync(secrets, { recursive: true, force: true }));

  function containerEnv(name: string): Env {
    const service = compose.services[name];
    const env: Env = { NODE_ENV: 'production', PORT: service.build?.args?.PORT };
    for (const [key, raw] of Object.entries(service.environment ?? {})) {
      let value = interpolate(String(raw));
      const mounted = /^\/run\/secrets\/([\w-]+)$/.exec(value);
      if (mounted) {
        expect({ key, secrets: service.secrets }).toEqual({
          key,
          secrets: expect.arrayContaining([mounted[1]]) as unknown,
        });
        value = path.join(secrets, mounted[1]);
        // What deploy/compose-secrets.sh writes: 32 random bytes, base64url; service keys
        // and the clients file come from deploy/service-keys.mjs, run once for the suite.
        if (!SERVICE_KEYS.includes(mounted[1])) {
          writeFileSync(value, `${randomBytes(32).toString('base64url')}\n`);
        }
      }
      env[key] = value;
    }
    return env;
  }

  it('runs the services in production (NODE_ENV in the runtime image)', () => {
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production /m);
  });

  it.each(Object.keys(LOADERS))('gives %s a configuration it accepts in production', (name) => {
    expect(() => loader(name)(containerEnv(name))).not.toThrow();
  });

  it('holds no secret value itself: passwords and secrets come from files', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, raw] of Object.entries(service.environment ?? {})) {
        const value = interpolate(String(raw));
        const secretName = /PASSWORD|SECRET/.test(key) && !key.endsWith('_FILE');
        const urlPassword = /^\w+:\/\/[^/@]*:[^/@]+@/.test(value);
        expect({ name, key, literal: (secretName && value !== '') || urlPassword }).toEqual({
          name,
          key,
          literal: false,
        });
      }
    }
  });
});
