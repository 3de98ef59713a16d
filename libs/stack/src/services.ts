/**
 * The one list of what the stack runs. `npm start`, the e2e suites, the bench and the gateway
 * (its routes, and the nginx template's, which a test holds equal) all read it, so a port, a
 * database name, an environment default or a route is written here once. A later process
 * (a mail catcher, say) is one more entry in STACK_PROCESSES.
 */

/** A path prefix the gateway sends to a service; `exact` also matches that path alone. */
export interface Route {
  prefix: string;
  exact?: string;
}

/**
 * Where the other processes of one run answer: name → base URL (http://127.0.0.1:port); and
 * `smtp`, the mail catcher's SMTP URL, when this run has one.
 */
export type StackUrls = Readonly<Record<string, string>>;

export interface StackProcess {
  /** Short name: the log prefix and the key in StackUrls. */
  name: string;
  /** What a person calls it (auth-service, gateway). */
  title: string;
  /** The Node entry point, relative to the repository root (built output). */
  main: string;
  /** Its default port (npm start); tests and the bench give free ones. */
  port: number;
  /** The variable the process reads its port from; none for one given its port by `args`. */
  portVariable?: string;
  /** Command-line arguments after `main`, for a process configured by flags (a mail catcher). */
  args?: (urls: StackUrls) => string[];
  /** The database it owns under npm start (DATABASE_URL points there); none when absent. */
  database?: string;
  /** Polled until it answers 2xx: the process is up. */
  health: string;
  /** Gateway routes to this process, and the variable (host:port) that overrides its upstream. */
  routes?: { upstreamVariable: string; paths: Route[] };
  /** Variables only this process may see (taken out of every other process's environment). */
  secrets?: string[];
  /** Environment defaults that wire it to the others; the caller's own values win. */
  env(urls: StackUrls): Record<string, string>;
  /** npm start prints its OpenAPI page. */
  docs?: boolean;
  /** npm start leaves the process out when this variable is set (SMTP_URL: a real server). */
  unless?: string;
  /** What to do when `main` is missing, when `npm run build` does not make it. */
  install?: string;
  /**
   * A service that calls another registers as a client of auth-service's token endpoint: what
   * it may ask for (docs/service-identity.md). Its key pair is generated once (identity.ts).
   */
  client?: { audiences: string[]; grants: string[]; scopes: string[] };
}

const jwks = (urls: StackUrls) => ({ AUTH_JWKS_URL: `${urls.auth}/.well-known/jwks.json` });

export const AUTH: StackProcess = {
  name: 'auth',
  title: 'auth-service',
  main: 'apps/auth-service/dist/main.js',
  port: 3000,
  portVariable: 'PORT',
  database: 'hybrid_auth',
  health: '/health/ready',
  // It encrypts the keys auth-service keeps in its database: no other service needs it.
  secrets: ['AUTH_SECRETS_KEY'],
  routes: {
    upstreamVariable: 'AUTH_UPSTREAM',
    paths: [{ prefix: '/auth/' }, { prefix: '/.well-known/' }],
  },
  // Links in mails point at the account page; mail goes to this run's catcher, if any.
  env: (urls) => ({
    ...(urls.web ? { AUTH_PUBLIC_URL: urls.web.replace('127.0.0.1', 'localhost') } : {}),
    ...(urls.smtp ? { SMTP_URL: urls.smtp } : {}),
  }),
  docs: true,
};

export const CATALOG: StackProcess = {
  name: 'catalog',
  title: 'catalog-service',
  main: 'apps/catalog-service/dist/main.js',
  port: 3001,
  portVariable: 'PORT',
  database: 'hybrid_catalog',
  health: '/health/ready',
  routes: { upstreamVariable: 'CATALOG_UPSTREAM', paths: [{ prefix: '/catalog/' }] },
  env: jwks,
  docs: true,
  // Its machine token reads auth-service's revocation snapshot while Redis cannot answer.
  client: {
    audiences: ['auth-service'],
    grants: ['client_credentials'],
    scopes: ['revocations:read'],
  },
};

export const ORDERS: StackProcess = {
  name: 'orders',
  title: 'orders-service',
  main: 'apps/orders-service/dist/main.js',
  port: 3002,
  portVariable: 'PORT',
  database: 'hybrid_orders',
  health: '/health/ready',
  routes: {
    upstreamVariable: 'ORDERS_UPSTREAM',
    paths: [{ exact: '/orders', prefix: '/orders/' }],
  },
  env: (urls) => ({ ...jwks(urls), CATALOG_URL: urls.catalog }),
  docs: true,
  client: {
    audiences: ['catalog-service', 'auth-service'],
    grants: ['token_exchange', 'client_credentials'],
    scopes: ['revocations:read'],
  },
};

export const BILLING: StackProcess = {
  name: 'billing',
  title: 'billing-service',
  main: 'apps/billing-service/dist/main.js',
  port: 3003,
  portVariable: 'PORT',
  health: '/health/ready',
  routes: { upstreamVariable: 'BILLING_UPSTREAM', paths: [{ prefix: '/billing/' }] },
  env: (urls) => ({ ...jwks(urls), ORDERS_URL: urls.orders }),
  docs: true,
  client: {
    audiences: ['orders-service', 'auth-service'],
    grants: ['token_exchange', 'client_credentials'],
    scopes: ['revocations:read'],
  },
};

/** The services, auth-service first: the others fetch its keys. */
export const SERVICES: readonly StackProcess[] = [AUTH, CATALOG, ORDERS, BILLING];

/** The one origin: the account page and every service's routes (see gateway/). */
export const GATEWAY: StackProcess = {
  name: 'web',
  title: 'gateway',
  main: 'libs/stack/dist/gateway/main.js',
  port: 8080,
  portVariable: 'GATEWAY_PORT',
  health: '/healthz',
  env: (urls) =>
    Object.fromEntries(
      SERVICES.filter((s) => s.routes).map((s) => [
        s.routes!.upstreamVariable,
        new URL(urls[s.name]).host,
      ]),
    ),
};

/** The mail catcher's SMTP port under npm start (MAIL_CATCHER_SMTP_PORT moves it). */
export const MAIL_CATCHER_SMTP_PORT = 1025;

/**
 * A development mail catcher (MailDev, maintained, a devDependency like the build tools
 * npm start needs anyway): its web UI and REST API on 1080 (MAIL_CATCHER_PORT), SMTP on
 * `urls.smtp`, both on loopback only. npm start runs it unless SMTP_URL names a real server.
 */
export const MAIL_CATCHER: StackProcess = {
  name: 'mail',
  title: 'mail catcher',
  main: 'node_modules/maildev/dist/bin/maildev.js',
  port: 1080,
  health: '/api/healthz',
  args: (urls) => [
    ...['--smtp', new URL(urls.smtp).port, '--ip', '127.0.0.1'],
    ...['--web', new URL(urls.mail).port, '--web-ip', '127.0.0.1'],
  ],
  env: () => ({}),
  unless: 'SMTP_URL',
  install:
    'maildev (the mail catcher) is not installed: run npm ci (it installs the devDependencies), or set SMTP_URL to a mail server',
};

/**
 * Everything `npm start` supervises, in start order. A helper process is one more entry: its
 * Node entry point (`main`, e.g. a package's bin under node_modules), port, health URL, `args`
 * or `env` built from the others' URLs, and whatever the services need to reach it added to
 * their `env`.
 */
export const STACK_PROCESSES: readonly StackProcess[] = [MAIL_CATCHER, ...SERVICES, GATEWAY];

/** What one npm start runs: the list less the processes `env` makes unnecessary. */
export function runProcesses(env: NodeJS.ProcessEnv): StackProcess[] {
  return STACK_PROCESSES.filter((p) => !(p.unless && env[p.unless]));
}

/** The service named `name`; throws for an unknown one (a typo in a test, say). */
export function service(name: string): StackProcess {
  const found = STACK_PROCESSES.find((p) => p.name === name);
  if (!found) throw new Error(`no process named ${name} in the stack`);
  return found;
}
