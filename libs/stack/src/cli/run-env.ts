import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loopbackUrls, processEnv, withDatabase } from '../environment';
import { StartError } from '../failure';
import { ensureIdentity } from '../identity';
import { REPO_ROOT } from '../repo';
import { GATEWAY, MAIL_CATCHER, MAIL_CATCHER_SMTP_PORT, STACK_PROCESSES } from '../services';
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

/** The mail catcher's ports: MAIL_CATCHER_PORT (web UI, REST API), MAIL_CATCHER_SMTP_PORT. */
export function mailCatcherPorts(env: NodeJS.ProcessEnv): { web: number; smtp: number } {
  const port = (name: string, fallback: number) => {
    const value = env[name] ? Number(env[name]) : fallback;
    if (!Number.isInteger(value) || value < 1 || value > 65_535) {
      throw new StartError(`${name} must be a port number (1-65535), not "${env[name]}"`);
    }
    return value;
  };
  return {
    web: port('MAIL_CATCHER_PORT', MAIL_CATCHER.port),
    smtp: port('MAIL_CATCHER_SMTP_PORT', MAIL_CATCHER_SMTP_PORT),
  };
}

/**
 * Each process's port: the list's defaults, the gateway's as chosen for this run, the mail
 * catcher's as configured (and its SMTP URL as `smtp`) when it runs.
 */
export function runUrls(
  processes: readonly StackProcess[],
  gatewayPort: number,
  env: NodeJS.ProcessEnv,
): StackUrls {
  const mail = mailCatcherPorts(env);
  const portOf = (p: StackProcess) =>
    p === GATEWAY ? gatewayPort : p === MAIL_CATCHER ? mail.web : p.port;
  const urls = loopbackUrls(Object.fromEntries(processes.map((p) => [p.name, portOf(p)])));
  if (!processes.includes(MAIL_CATCHER)) return urls;
  return { ...urls, smtp: `smtp://127.0.0.1:${mail.smtp}` };
}

/** The environment of every process of this run, by name. */
export function runEnvironments(
  processes: readonly StackProcess[],
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
    processes.map((p) => {
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
