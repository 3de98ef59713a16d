import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loopbackUrls, processEnv, withDatabase } from '../environment';
import { ensureIdentity } from '../identity';
import { REPO_ROOT } from '../repo';
import { GATEWAY, STACK_PROCESSES } from '../services';
import type { StackProcess, StackUrls } from '../services';
import type { Infra } from './infra';
import { secretsKey } from './secrets-key';

/**
 * What `npm start` adds to the stack list's wiring: settings for a developer's machine, each
 * one overridable from the environment except where noted.
 */
function localDefaults(): Record<string, string> {
  return {
    // The services reach each other over loopback http, which production mode would refuse.
    AUTH_ALLOW_INSECURE_HTTP: 'true',
    LOG_FORMAT: 'pretty',
    // Plain http on localhost: browsers would drop Secure cookies on other hosts.
    AUTH_COOKIE_SECURE: 'false',
    // The local gateway forwards the browser's address (sessions list, login limits).
    HTTP_TRUST_PROXY: '127.0.0.1',
    // One secret per run for auth-service's revocation snapshot: the guards read it while
    // Redis cannot answer, or poll it instead when there is no Redis at all.
    AUTH_REVOCATIONS_SECRET: randomBytes(32).toString('base64url'),
  };
}

/** Each process's port: the list's defaults, the gateway's as chosen for this run. */
export function runUrls(gatewayPort: number): StackUrls {
  return loopbackUrls(
    Object.fromEntries(STACK_PROCESSES.map((p) => [p.name, p === GATEWAY ? gatewayPort : p.port])),
  );
}

/** The environment of every process of this run, by name. */
export function runEnvironments(
  urls: StackUrls,
  infra: Infra,
  env: NodeJS.ProcessEnv,
): Map<StackProcess, NodeJS.ProcessEnv> {
  // AUTH_SECRETS_KEY reaches auth-service alone (see `secrets` in the stack list).
  const common = { ...localDefaults(), AUTH_SECRETS_KEY: secretsKey(env) };
  const overrides: NodeJS.ProcessEnv = { ...env };
  // A key pair per calling service, made once into .data/service-keys; the operator's own
  // AUTH_CLIENTS_FILE entries are added to the generated ones.
  const identity = ensureIdentity(
    path.join(REPO_ROOT, '.data', 'service-keys'),
    STACK_PROCESSES,
    env.AUTH_CLIENTS_FILE,
  );
  delete overrides.REDIS_URL;
  if (infra.redisUrl) overrides.REDIS_URL = infra.redisUrl;
  return new Map(
    STACK_PROCESSES.map((p) => {
      const own = processEnv(p, {
        urls,
        common,
        overrides,
        databaseUrl: p.database && withDatabase(infra.postgresUrl, p.database),
        identity,
      });
      // Loopback only, whatever the environment says: the services trust 127.0.0.1 as their
      // proxy and serve the revocation snapshot; only the gateway may listen wider (GATEWAY_HOST).
      if (p !== GATEWAY) own.HTTP_HOST = '127.0.0.1';
      return [p, own];
    }),
  );
}
