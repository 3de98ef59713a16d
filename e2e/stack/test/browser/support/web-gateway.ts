import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { GATEWAY } from '@hybrid-auth/stack';
import type { Upstreams } from '../../support/gateway';
import { ROOT, eventually, freePort } from '../../support/service-process';
import type { Stack } from '../../support/stack';

/**
 * The stack package's gateway (libs/stack/dist/gateway/main.js), the one origin `npm start` opens in a browser (the account page and
 * every API prefix), run as its own process in front of a test stack.
 */
export class WebGateway {
  readonly logs: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** The page's origin as a browser is told to open it (`npm start` prints localhost too). */
  get url(): string {
    return `http://localhost:${this.port}`;
  }

  /** In front of `stack`, on `port` (one chosen before: links in mails and passkeys need the page's origin in auth-service's config) or a free one. */
  static start(stack: Stack, port?: number): Promise<WebGateway> {
    const at = (service: { port: number }) => `127.0.0.1:${service.port}`;
    const upstreams = {
      AUTH_UPSTREAM: at(stack.auth),
      CATALOG_UPSTREAM: at(stack.catalog),
      ORDERS_UPSTREAM: at(stack.orders),
      BILLING_UPSTREAM: at(stack.billing),
    };
    return WebGateway.startWith(upstreams, {}, port);
  }

  /** In front of any upstreams (a fake one, say), with extra settings (`GATEWAY_*`). */
  static async startWith(
    upstreams: Upstreams,
    env: Record<string, string> = {},
    chosenPort?: number,
  ): Promise<WebGateway> {
    const port = chosenPort ?? (await freePort());
    const child = spawn(process.execPath, [path.join(ROOT, GATEWAY.main)], {
      env: { PATH: process.env.PATH ?? '', ...upstreams, ...env, GATEWAY_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new WebGateway(child, port);
    const keep = (chunk: Buffer) => gateway.logs.push(chunk.toString('utf8'));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited: ${gateway.logs.join('')}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
        headers: { connection: 'close' },
        signal: AbortSignal.timeout(1000),
      });
      return res.ok;
    }).catch(async (error: unknown) => {
      await gateway.stop();
      throw new Error(`the gateway did not start: ${String(error)}\n${gateway.logs.join('')}`);
    });
    return gateway;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
