#!/usr/bin/env node
// `npm start`: builds, then runs auth-service and the three downstream services as separate
// processes on their default ports. Uses DATABASE_URL / REDIS_URL when given; otherwise an
// embedded PostgreSQL (data kept in .data/postgres) and a local redis-server when installed.
// auth-service gets AUTH_SECRETS_KEY (given, or generated once into .data/auth-secrets-key),
// which encrypts the keys it keeps in its database.
// concurrently runs and prefixes the services; Ctrl-C stops everything this script started.
// scripts/gateway.mjs puts the account page and every API prefix on one origin (GATEWAY_PORT,
// 8080 or the next free port): the URL to open in a browser. The services listen on 127.0.0.1
// only; so does the gateway unless GATEWAY_HOST asks for more.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { concurrently } from 'concurrently';
import {
  SIGNALS,
  freePort,
  portFree,
  postgres,
  redis,
  secretsKey,
  withDatabase,
} from './start/infra.mjs';

const root = path.resolve(import.meta.dirname, '..');

export const SERVICES = [
  { name: 'auth', app: 'auth-service', port: 3000, database: 'hybrid_auth' },
  { name: 'catalog', app: 'catalog-service', port: 3001, database: 'hybrid_catalog' },
  { name: 'orders', app: 'orders-service', port: 3002, database: 'hybrid_orders' },
  { name: 'billing', app: 'billing-service', port: 3003 },
];

const REVOCATIONS_SECRET = randomBytes(32).toString('base64url');

const GATEWAY = { name: 'web', app: 'gateway', port: Number(process.env.GATEWAY_PORT ?? 8080) };

const say = (line = '') => process.stdout.write(`${line}\n`);
const loud = (line) => process.stdout.write(`\n\x1b[33;1m!! ${line}\x1b[0m\n\n`);

function serviceEnv(service, pgUrl, redisUrl, authSecretsKey) {
  const env = {
    ...process.env,
    PORT: String(service.port),
    AUTH_JWKS_URL: process.env.AUTH_JWKS_URL ?? 'http://127.0.0.1:3000/.well-known/jwks.json',
    CATALOG_URL: process.env.CATALOG_URL ?? 'http://127.0.0.1:3001',
    ORDERS_URL: process.env.ORDERS_URL ?? 'http://127.0.0.1:3002',
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    // Plain http on localhost: browsers would drop Secure cookies on other hosts.
    AUTH_COOKIE_SECURE: process.env.AUTH_COOKIE_SECURE ?? 'false',
    // The services reach each other over loopback http, which production mode would refuse.
    AUTH_ALLOW_INSECURE_HTTP: process.env.AUTH_ALLOW_INSECURE_HTTP ?? 'true',
    // The local gateway forwards the browser's address (sessions list, login limits).
    HTTP_TRUST_PROXY: process.env.HTTP_TRUST_PROXY ?? '127.0.0.1',
    // Loopback only, whatever the environment says: the services trust 127.0.0.1 as their
    // proxy and serve the revocation snapshot; only the gateway may listen wider (GATEWAY_HOST).
    HTTP_HOST: '127.0.0.1',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (service.database) env.DATABASE_URL = withDatabase(pgUrl, service.database);
  if (redisUrl) env.REDIS_URL = redisUrl;
  // One secret per run for auth-service's revocation snapshot: the guards read it while
  // Redis cannot answer, or poll it instead when there is no Redis at all.
  env.AUTH_REVOCATIONS_SECRET = process.env.AUTH_REVOCATIONS_SECRET ?? REVOCATIONS_SECRET;
  // Only auth-service holds the key to its stored secrets.
  delete env.AUTH_SECRETS_KEY;
  if (service.app === 'auth-service') env.AUTH_SECRETS_KEY = authSecretsKey;
  return env;
}

async function waitReady(service, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/health/ready`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function main() {
  // Until concurrently takes the signals over (it forwards them to the services), a Ctrl-C
  // stops whatever was started so far.
  let interrupted = false;
  SIGNALS.forEach((signal) => process.on(signal, () => (interrupted = true)));
  let pg;
  let rd;
  const stopInfra = async () => {
    await rd?.stop().catch(() => {});
    await pg?.stop().catch(() => {});
  };
  const stopIfInterrupted = async () => {
    if (!interrupted) return;
    await stopInfra();
    say('Stopped.');
    process.exit(130);
  };
  for (const service of SERVICES) {
    if (!(await portFree(service.port))) {
      throw new Error(
        `port ${service.port} (${service.app}) is already in use: stop what listens there first`,
      );
    }
  }
  if (process.env.SKIP_BUILD !== 'true') {
    say('Building (cached after the first time)…');
    execFileSync('npm', ['run', 'build', '--silent'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  await stopIfInterrupted();
  const authSecretsKey = secretsKey();
  pg = await postgres();
  await stopIfInterrupted();
  rd = await redis();
  await stopIfInterrupted();
  if (!rd) {
    loud(
      'Redis not found: revocation push is OFF. Every service polls auth-service for revocations\n' +
        '   once a second instead (a logout reaches them within about a second, not milliseconds),\n' +
        '   and login limits are per process.\n' +
        '   Turn push on: install Redis (apt-get install redis-server) or set REDIS_URL=redis://host:6379',
    );
  }
  // An explicit GATEWAY_PORT is kept (and fails loudly when taken); the default moves aside.
  if (!process.env.GATEWAY_PORT) GATEWAY.port = await freePort(GATEWAY.port);
  const upstream = (i) => `127.0.0.1:${SERVICES[i].port}`;
  const { result, commands } = concurrently(
    [
      ...SERVICES.map((service) => ({
        name: service.name,
        command: `node apps/${service.app}/dist/main.js`,
        env: serviceEnv(service, pg.url, rd?.url, authSecretsKey),
        cwd: root,
      })),
      {
        name: GATEWAY.name,
        command: 'node scripts/gateway.mjs',
        env: {
          ...process.env,
          GATEWAY_PORT: String(GATEWAY.port),
          AUTH_UPSTREAM: upstream(0),
          CATALOG_UPSTREAM: upstream(1),
          ORDERS_UPSTREAM: upstream(2),
          BILLING_UPSTREAM: upstream(3),
        },
        cwd: root,
      },
    ],
    {
      prefix: '{name}',
      prefixColors: ['cyan', 'green', 'magenta', 'yellow', 'blue'],
      killOthersOn: ['failure', 'success'],
      handleInput: false,
    },
  );

  const deadline = Date.now() + 90_000;
  void Promise.all(SERVICES.map((s) => waitReady(s, deadline))).then((ready) => {
    if (ready.some((ok) => !ok)) {
      loud(
        `not ready after 90 s: ${SERVICES.filter((_, i) => !ready[i])
          .map((s) => s.app)
          .join(', ')}`,
      );
      return;
    }
    say();
    say('  hybrid-auth is running');
    say(`  ┌${'─'.repeat(17)}┬${'─'.repeat(24)}┬${'─'.repeat(34)}┐`);
    for (const s of SERVICES) {
      say(
        `  │ ${s.app.padEnd(15)} │ http://localhost:${s.port}  │ docs: http://localhost:${s.port}/docs │`,
      );
    }
    const page = `http://localhost:${GATEWAY.port}`;
    say(
      `  │ ${'account page'.padEnd(15)} │ ${page.padEnd(22)} │ ${'open this in a browser'.padEnd(32)} │`,
    );
    say(`  └${'─'.repeat(17)}┴${'─'.repeat(24)}┴${'─'.repeat(34)}┘`);
    say(
      `  PostgreSQL: ${pg.embedded ? `embedded, 127.0.0.1:${pg.embedded} (data in .data/postgres)` : 'DATABASE_URL'}`,
    );
    say(
      `  Redis:      ${rd ? (rd.local ? `local redis-server, 127.0.0.1:${rd.local}` : 'REDIS_URL') : 'none (revocation push off: polling auth-service)'}`,
    );
    say();
    say(`  Open ${page} in a browser: sign up, see your sessions, sign out another browser.`);
    say();
    say('  Try it:');
    say(`    curl -s -X POST localhost:3000/auth/register -H 'content-type: application/json' \\`);
    say(`         -d '{"email":"ada@example.com","password":"correct horse battery"}'`);
    say(`    curl -s -X POST localhost:3000/auth/login -H 'content-type: application/json' \\`);
    say(`         -d '{"email":"ada@example.com","password":"correct horse battery"}'`);
    say('    curl -s localhost:3001/catalog/products');
    say();
    say('  Ctrl-C stops everything.');
    say();
  });

  let exitCode = 0;
  try {
    await result;
  } catch (events) {
    const died = (Array.isArray(events) ? events : []).find(
      (e) => e.exitCode !== 0 && e.exitCode !== 'SIGTERM' && e.exitCode !== 'SIGINT' && !e.killed,
    );
    if (died) {
      loud(
        `${(SERVICES[died.index] ?? GATEWAY).app} exited with code ${died.exitCode}: see its [${died.command.name}] lines above. Stopping the stack.`,
      );
      exitCode = 1;
    }
  }
  commands.forEach((command) => command.kill());
  await stopInfra();
  say('Stopped.');
  process.exit(exitCode);
}

main().catch((error) => {
  process.stderr.write(
    `npm start failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
