import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainConnections, installDrainGuard, isDraining } from './drain';

interface Answer {
  status: number;
  connection?: string;
  body: string;
}

/** One request on `agent`'s connection; `closed` resolves when that connection ends. */
function request(port: number, path: string, agent: http.Agent) {
  let closed!: Promise<void>;
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = http.get({ port, host: '127.0.0.1', path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
      );
    });
    req.on('socket', (socket) => {
      closed = new Promise((resolve) => socket.once('close', () => resolve()));
    });
    req.on('error', reject);
  });
  return { answer, closed: () => closed };
}

/**
 * The drain on a real Fastify server and real keep-alive connections: it resolves only once
 * every connection has ended, so a test that fails here hangs until Jest's timeout.
 */
describe('drainConnections', () => {
  let app: FastifyInstance;
  let port: number;
  let release: () => void;
  let started: Promise<void>;
  let agent: http.Agent;

  beforeEach(async () => {
    app = Fastify();
    installDrainGuard(app);
    const held = new Promise<void>((resolve) => (release = resolve));
    let begin: () => void;
    started = new Promise<void>((resolve) => (begin = resolve));
    app.get('/slow', async () => {
      begin();
      await held;
      return { ok: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    app.get('/ready', async (_request, reply) =>
      isDraining(reply.server) ? reply.code(503).send({ code: 'unavailable' }) : { ok: true },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    agent = new http.Agent({ keepAlive: true });
  });
  afterEach(async () => {
    agent.destroy();
    release();
    await app.close();
  });

  it('answers the request in flight with Connection: close and ends its keep-alive connection', async () => {
    const warm = request(port, '/fast', agent);
    expect((await warm.answer).connection).toBe('keep-alive');
    const slow = request(port, '/slow', agent);
    // The request is being served (its connection is busy) when the drain starts.
    await started;
    const drained = drainConnections(app);
    expect(isDraining(app)).toBe(true);
    release();
    const answer = await slow.answer;
    expect(answer).toEqual({ status: 200, connection: 'close', body: '{"ok":true}' });
    await slow.closed();
    await drained;
    expect(app.server.listening).toBe(false);
  });

  it('closes idle keep-alive connections at once and refuses new connections', async () => {
    const idle = request(port, '/fast', agent);
    expect((await idle.answer).status).toBe(200);
    await drainConnections(app);
    await idle.closed();
    await expect(request(port, '/ready', new http.Agent()).answer).rejects.toThrow(/ECONNREFUSED/);
  });

  it('is not draining before it is told to', async () => {
    const ready = request(port, '/ready', agent);
    expect(await ready.answer).toEqual({
      status: 200,
      connection: 'keep-alive',
      body: '{"ok":true}',
    });
  });
});
