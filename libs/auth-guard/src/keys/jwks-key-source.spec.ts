import { Logger } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { JwksKeySource } from './jwks-key-source';

type Mode = 'ok' | 'error' | 'garbage' | 'empty' | 'redirect' | 'hang';

const publicJwk = (kid: string) => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
};

/** A JWKS endpoint on an ephemeral local port whose behaviour each test switches. */
class JwksServer {
  mode: Mode = 'ok';
  keys = [publicJwk('k1')];
  requests = 0;
  port = 0;
  private server: Server | undefined;

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  async listen(port = 0): Promise<void> {
    this.server = createServer((_req, res) => {
      this.requests += 1;
      if (this.mode === 'hang') return;
      if (this.mode === 'error') return void res.writeHead(500).end('{"keys":[]}');
      if (this.mode === 'redirect') return void res.writeHead(302, { location: '/other' }).end();
      const body = { ok: { keys: this.keys }, empty: { keys: [] }, garbage: undefined }[this.mode];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body ? JSON.stringify(body) : '<html>not json');
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}

describe('JwksKeySource', () => {
  let server: JwksServer;
  let source: JwksKeySource | undefined;
  let now: number;

  const create = (overrides: { timeoutMs?: number } = {}) => {
    source = new JwksKeySource({
      url: server.url,
      refreshIntervalSeconds: 300,
      unknownKidCooldownSeconds: 30,
      timeoutMs: overrides.timeoutMs ?? 1000,
      clock: () => now,
    });
    return source;
  };

  // Failed fetches are logged as warnings: expected here, and noise in the test output.
  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    now = 1_800_000_000_000;
    server = new JwksServer();
    await server.listen();
  });

  afterEach(async () => {
    source?.stop();
    source = undefined;
    await server.close();
  });

  it('holds the published keys once start() resolves', async () => {
    const keys = create();
    await keys.start();
    expect(keys.hasKeys()).toBe(true);
    expect(keys.get('k1')?.type).toBe('public');
    expect(keys.get('unknown')).toBeUndefined();
    expect(keys.describe()).toMatchObject({ keys: 1, fetches: 1, lastError: undefined });
  });

  it.each<[string, Mode | 'down']>([
    ['is down', 'down'],
    ['answers 500', 'error'],
    ['answers something that is not JSON', 'garbage'],
    ['publishes an empty key set', 'empty'],
    ['redirects elsewhere', 'redirect'],
  ])('keeps its keys while the server %s', async (_name, mode) => {
    const keys = create();
    await keys.start();
    if (mode === 'down') await server.close();
    else server.mode = mode;
    now += 31_000;
    await keys.refreshForUnknownKid();
    expect(keys.describe()).toMatchObject({ fetches: 2, lastError: expect.any(String) });
    expect(keys.get('k1')).toBeDefined();
    expect(keys.hasKeys()).toBe(true);
  });

  it('picks up a key published after start when a token names it, after the cooldown', async () => {
    const keys = create();
    await keys.start();
    server.keys = [...server.keys, publicJwk('k2')];
    now += 31_000;
    await keys.refreshForUnknownKid();
    expect(keys.get('k2')).toBeDefined();
    expect(keys.get('k1')).toBeDefined();
  });

  it('drops a key the server no longer publishes', async () => {
    const keys = create();
    await keys.start();
    server.keys = [publicJwk('k2')];
    now += 31_000;
    await keys.refreshForUnknownKid();
    expect(keys.get('k1')).toBeUndefined();
  });

  it('refetches at most once per cooldown under a flood of unknown kids', async () => {
    const keys = create();
    await keys.start();
    expect(server.requests).toBe(1);
    now += 31_000;
    await Promise.all(Array.from({ length: 200 }, () => keys.refreshForUnknownKid()));
    expect(server.requests).toBe(2);
    now += 29_000;
    await Promise.all(Array.from({ length: 200 }, () => keys.refreshForUnknownKid()));
    expect(server.requests).toBe(2);
    now += 2_000;
    await keys.refreshForUnknownKid();
    expect(server.requests).toBe(3);
  });

  it('settles refreshForUnknownKid within timeoutMs when the server hangs', async () => {
    // Long enough for the first fetch from the healthy server on a loaded machine.
    const keys = create({ timeoutMs: 1000 });
    await keys.start();
    server.mode = 'hang';
    now += 31_000;
    const outcome = await Promise.race([
      keys.refreshForUnknownKid().then(() => 'settled'),
      delay(5_000, 'still waiting', { ref: false }),
    ]);
    expect(outcome).toBe('settled');
    expect(server.requests).toBe(2);
    expect(keys.get('k1')).toBeDefined();
  });

  it('starts without keys when the server is down, then gets them without a restart', async () => {
    const port = server.port;
    await server.close();
    const keys = create({ timeoutMs: 300 });
    await keys.start();
    expect(keys.hasKeys()).toBe(false);
    expect(keys.describe().lastError).toEqual(expect.any(String));

    await server.listen(port);
    for (let i = 0; i < 50 && !keys.hasKeys(); i += 1) await delay(100);
    expect(keys.hasKeys()).toBe(true);
    expect(keys.get('k1')).toBeDefined();
  });

  it('stops fetching once stopped', async () => {
    const port = server.port;
    await server.close();
    const keys = create({ timeoutMs: 300 });
    await keys.start();
    keys.stop();
    await server.listen(port);
    await delay(800);
    expect(server.requests).toBe(0);
    expect(keys.hasKeys()).toBe(false);
  });
});
