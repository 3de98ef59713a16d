import { identityEnv } from './identity';
import type { StackIdentity } from './identity';
import { STACK_PROCESSES } from './services';
import type { StackProcess, StackUrls } from './services';

/** Base URLs on the loopback interface for the given ports (name → port). */
export function loopbackUrls(ports: Readonly<Record<string, number>>): StackUrls {
  return Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`]),
  );
}

/** The port each process listens on in `urls`. */
export function portOf(urls: StackUrls, name: string): number {
  return Number(new URL(urls[name]).port);
}

/** `url` with its path replaced by `/<database>` (credentials and host kept). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface ProcessEnvOptions {
  /** Where every process of the run answers. */
  urls: StackUrls;
  /** Values every process gets, under the wiring defaults (e.g. AUTH_ISSUER). */
  common?: Record<string, string | undefined>;
  /** Values that win over the defaults (the caller's environment, a test's settings). */
  overrides?: Record<string, string | undefined>;
  /** DATABASE_URL for a process that owns a database. */
  databaseUrl?: string;
  /** The run's service identities: auth-service's clients file, each caller's key file. */
  identity?: StackIdentity;
}

/**
 * A process's environment: common values, then its wiring defaults (AUTH_JWKS_URL,
 * CATALOG_URL…), then the overrides, then its port and database, which the run decides.
 * Another process's secrets (AUTH_SECRETS_KEY) are taken out, wherever they came from.
 */
export function processEnv(process: StackProcess, options: ProcessEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...options.common,
    ...process.env(options.urls),
    ...options.overrides,
    // After the overrides: an operator's AUTH_CLIENTS_FILE is merged into this one.
    ...(options.identity ? identityEnv(process, options.identity) : {}),
    ...(process.portVariable
      ? { [process.portVariable]: String(portOf(options.urls, process.name)) }
      : {}),
  };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  for (const other of STACK_PROCESSES) {
    for (const name of other.secrets ?? []) if (!process.secrets?.includes(name)) delete env[name];
  }
  return env;
}
