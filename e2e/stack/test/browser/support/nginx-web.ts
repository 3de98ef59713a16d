import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GATEWAY_TEMPLATE, renderTemplate } from '../../support/gateway';
import type { Upstreams } from '../../support/gateway';
import { ROOT, eventually, freePort } from '../../support/service-process';

/** Where docker-compose.yml mounts apps/web/public in the nginx container. */
const CONTAINER_WEB_ROOT = '/usr/share/nginx/web';
export const WEB_ROOT = path.join(ROOT, 'apps', 'web', 'public');

/**
 * The compose gateway as support/gateway.ts runs it (Debian's nginx, the same template), with
 * the page's directory where the container mounts it: the page is served exactly as
 * `docker compose up` serves it.
 */
export async function startNginxWithPage(
  upstreams: Upstreams,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'web-gateway-'));
  chmodSync(dir, 0o755); // nginx's workers run unprivileged when started as root
  const template = readFileSync(GATEWAY_TEMPLATE, 'utf8');
  if (!template.includes(`root ${CONTAINER_WEB_ROOT};`))
    throw new Error(`the template no longer serves ${CONTAINER_WEB_ROOT}`);
  const site = renderTemplate(template, { ...upstreams, GATEWAY_PORT: String(port) }).replace(
    CONTAINER_WEB_ROOT,
    WEB_ROOT,
  );
  writeFileSync(path.join(dir, 'site.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
    (name) => `${name}_temp_path ${path.join(dir, name)};`,
  );
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${path.join(dir, 'nginx.pid')};\n` +
      `events { worker_connections 256; }\n` +
      `http { access_log off; ${temp.join(' ')} include ${path.join(dir, 'site.conf')}; }\n`,
  );
  const errorLog = path.join(dir, 'error.log');
  const nginx = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const child = spawn(nginx, ['-e', errorLog, '-p', dir, '-c', path.join(dir, 'nginx.conf')], {
    stdio: 'ignore',
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(errorLog, 'utf8')}`);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(1000),
    });
    return res.ok;
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url: `http://localhost:${port}`, stop };
}
