import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, eventually, freePort } from './service-process';

export const GATEWAY_TEMPLATE = path.join(ROOT, 'deploy/nginx/gateway.conf.template');

export interface Upstreams {
  AUTH_UPSTREAM: string;
  CATALOG_UPSTREAM: string;
  ORDERS_UPSTREAM: string;
  BILLING_UPSTREAM: string;
}

/** What the template puts after each upstream's address (max_fails, fail_timeout). */
export const SERVER_PARAMETERS =
  /server \$\{AUTH_UPSTREAM\}([^;]*);/.exec(readFileSync(GATEWAY_TEMPLATE, 'utf8'))?.[1] ?? '';

/**
 * Several replicas behind one upstream. The template holds `server ${X_UPSTREAM} <params>;`
 * (compose runs one container per service), so the value `a <params>; server b` renders
 * `server a <params>; server b <params>;`: nginx then balances round-robin and passes a request
 * that could not reach one replica to the next (proxy_next_upstream), as it does for a name
 * that resolves to several addresses. The production template is unchanged.
 */
export const replicas = (...addresses: string[]): string =>
  addresses.join(`${SERVER_PARAMETERS}; server `);

/**
 * Renders the template like the nginx image's envsubst does: only the named variables are
 * replaced, so nginx's own `$http_host`, `$request_id`… stay as they are.
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * The compose gateway run natively: Debian's nginx with deploy/nginx/gateway.conf.template,
 * in the foreground, with its pid, logs and temp files in a directory of its own.
 */
export class Gateway {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `httpConf`: more configuration for the http block, as the Kubernetes gateway adds. */
  static async start(upstreams: Upstreams, httpConf: string[] = []): Promise<Gateway> {
    const nginx = findNginx();
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stack-gateway-'));
    // nginx's workers run as an unprivileged user when started as root: let them in.
    chmodSync(dir, 0o755);
    // Where compose mounts the static files (apps/web/public), taken from the checkout here.
    const site = renderTemplate(readFileSync(GATEWAY_TEMPLATE, 'utf8'), {
      ...upstreams,
      GATEWAY_PORT: String(port),
    }).replaceAll('/usr/share/nginx/web', path.join(ROOT, 'apps/web/public'));
    const missing = /\$\{[A-Z_]+\}/.exec(site);
    if (missing) throw new Error(`${missing[0]} in ${GATEWAY_TEMPLATE} was not given a value`);
    writeFileSync(path.join(dir, 'gateway.conf'), site);
    httpConf.forEach((conf, i) => writeFileSync(path.join(dir, `extra-${i}.conf`), conf));
    const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${path.join(dir, 'nginx.pid')};`,
        `error_log ${path.join(dir, 'error.log')} warn;`,
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
        `  include ${path.join(dir, 'gateway.conf')};`,
        ...httpConf.map((_, i) => `  include ${path.join(dir, `extra-${i}.conf`)};`),
        '}',
        '',
      ].join('\n'),
    );
    const child = spawn(
      nginx,
      ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const gateway = new Gateway(child, port, dir);
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${gateway.errors()}`);
      return (await fetch(`${gateway.url}/healthz`, { headers: { connection: 'close' } })).ok;
    }).catch((error: unknown) => {
      throw new Error(`the gateway did not start: ${String(error)}\n${gateway.errors()}`);
    });
    return gateway;
  }

  errors(): string {
    try {
      return readFileSync(path.join(this.dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops nginx (master and worker) and removes its directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function findNginx(): string {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'nginx is not installed: apt-get install -y nginx (.ci/services.sh ensure_nginx does it)',
  );
}
