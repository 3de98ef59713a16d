import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import http from 'node:http';
import net from 'node:net';
import { Client } from 'pg';
import type { AddressInfo } from 'node:net';
import { PASSWORD, call, uniqueEmail } from './support/client';
import { ServiceProcess, eventually, freePort } from './support/service-process';

const MACHINE_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Shorter than nodemailer's connection and greeting timeouts (10 s each) and Fastify's
// keep-alive timeout (72 s): what waits for those is caught by the watchdog, which exits 1.
const GRACE_MS = '5000';
const WATCHDOG = /shutdown took longer than/;

jest.setTimeout(120_000);

/**
 * What used to hold a replica for its whole shutdown grace and get it killed by the watchdog
 * (exit 1) instead of exiting at once: a keep-alive connection whose request was in flight at
 * SIGTERM (Node closes only the connections idle at `close()`; this one stayed open, idle,
 * until the client or the keep-alive timeout ended it), and a mail being handed to an SMTP
 * server that accepted the connection and then said nothing (the relay waited out
 * nodemailer's timeouts). Asserted on the exit code and the watchdog's line, not on time.
 */
describe('prompt shutdown', () => {
  let db: TestDatabase;
  let auth: ServiceProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase('shutdown_prompt');
  });
  afterEach(async () => {
    await auth?.stop();
    auth = undefined;
  });
  afterAll(() => db.drop());

  const start = async (env: Record<string, string> = {}) => {
    auth = new ServiceProcess('auth-service', await freePort(), {
      DATABASE_URL: db.url,
      REDIS_URL: MACHINE_REDIS,
      AUTH_REVOCATION_STREAM: `test:shutdown-prompt:${Date.now()}`,
      AUTH_REGISTER_MAX_PER_IP: '1000',
      AUTH_EMAIL_MAX_PER_IP: '1000',
      HTTP_SHUTDOWN_GRACE_MS: GRACE_MS,
      LOG_LEVEL: 'log',
      ...env,
    });
    // A start can take well over the default 30 s on a loaded 2-core machine.
    await auth.start({ timeoutMs: 60_000 });
    return auth;
  };

  it('ends a keep-alive connection whose request was in flight at SIGTERM, and exits 0', async () => {
    const service = await start();
    const email = uniqueEmail('keepalive');
    expect(
      (await call(`${service.url}/auth/register`, { body: { email, password: PASSWORD } })).status,
    ).toBe(201);

    // One keep-alive connection, kept open by the client after its answer (as nginx's
    // upstream keepalive cache does). The login's body is sent in two halves, SIGTERM in
    // between: the request is surely in flight when the drain starts, whatever the load.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let socketClosed = false;
    const body = JSON.stringify({ email, password: PASSWORD });
    const half = Math.floor(body.length / 2);
    const req = http.request(`${service.url}/auth/login`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': body.length,
        // The server's "100 Continue" says it has read the headers: the request is in flight.
        expect: '100-continue',
      },
    });
    const continued = new Promise<void>((resolve) => req.once('continue', () => resolve()));
    const answer = new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
        );
      });
      req.on('socket', (socket) => socket.on('close', () => (socketClosed = true)));
      req.on('error', reject);
    });
    req.flushHeaders();
    await continued;
    req.write(body.slice(0, half));
    const exit = service.stop('SIGTERM', 30_000);
    try {
      await eventually(() => service.logs.some((line) => /SIGTERM received/.test(line)));
      req.end(body.slice(half));
      const res = await answer;
      const code = await exit;
      expect(res).toEqual({ status: 200, connection: 'close' });
      expect(service.logs.filter((line) => WATCHDOG.test(line))).toEqual([]);
      expect(code).toBe(0);
      expect(socketClosed).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('does not wait for an SMTP server that never answers, and exits 0', async () => {
    // Accepts connections and never sends its greeting.
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const service = await start({ SMTP_URL: `smtp://127.0.0.1:${port}` });
      // A sign-up queues a confirmation mail; the relay takes it to the silent server.
      const res = await call(`${service.url}/auth/register`, {
        body: { email: uniqueEmail('smtp'), password: PASSWORD },
      });
      expect(res.status).toBe(201);
      await eventually(() => held.length > 0, 10_000);

      const code = await service.stop('SIGTERM', 30_000);
      expect(service.logs.filter((line) => WATCHDOG.test(line))).toEqual([]);
      expect(code).toBe(0);
      // Still due: the attempt was rolled back, not counted against the server.
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT attempts, sent_at FROM mail_outbox ORDER BY id DESC LIMIT 1',
        );
        expect(rows).toEqual([{ attempts: 0, sent_at: null }]);
      } finally {
        await client.end();
      }
    } finally {
      held.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
