import http from 'node:http';
import { WebGateway } from './browser/support/web-gateway';
import { FakeUpstream } from './support/fake-upstream';
import { RawSocket, sendRaw } from './support/raw-socket';

/**
 * npm start's gateway (the stack package's gateway/) in front of a fake upstream that records what it
 * is sent: whatever a client writes, the upstream sees the requests the gateway accepted and
 * nothing else, and never a service-to-service route.
 */
const SMUGGLED = 'POST /auth/logout HTTP/1.1\r\nHost: gateway\r\nContent-Length: 0\r\n\r\n';
/** One byte over the gateway's default body cap (1 MiB). */
const BIG = 1024 * 1024 + 1;
const chunked = (body: string) => `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;

describe('npm start’s gateway as a proxy', () => {
  let upstream: FakeUpstream;
  let gateway: WebGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await WebGateway.startWith(upstream.upstreams());
  });
  afterAll(async () => {
    await gateway?.stop();
    await upstream?.stop();
  });
  beforeEach(() => upstream.reset());

  /** A normal request after the attempt: once it is through, the upstream has seen everything. */
  async function upstreamSaw(): Promise<string[]> {
    const res = await fetch(`http://127.0.0.1:${gateway.port}/catalog/after`, {
      headers: { connection: 'close' },
    });
    expect(res.status).toBe(200);
    return upstream.seen();
  }

  const framings: Record<string, (method: string) => string> = {
    'Content-Length': (method) =>
      `${method} /catalog/products HTTP/1.1\r\nHost: gateway\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
    'Transfer-Encoding: chunked': (method) =>
      `${method} /catalog/products HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(SMUGGLED)}`,
  };

  for (const [framing, request] of Object.entries(framings)) {
    it.each(['GET', 'HEAD', 'DELETE', 'OPTIONS'])(
      `refuses a %s whose body (${framing}) holds a second request: the upstream never sees either`,
      async (method) => {
        const socket = await sendRaw(gateway.port, request(method));
        expect(await upstreamSaw()).toEqual(['GET /catalog/after']);
        const [answer] = socket.answers();
        expect(answer?.status).toBe(400);
        if (method !== 'HEAD') {
          expect(JSON.parse(answer.body)).toEqual({
            code: 'validation_failed',
            message: expect.any(String),
          });
        }
      },
    );
  }

  it('refuses Content-Length and Transfer-Encoding together', async () => {
    const socket = await sendRaw(
      gateway.port,
      'POST /auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        `Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(SMUGGLED)}`,
    );
    expect(socket.answers()[0]?.status).toBe(400);
    expect(await upstreamSaw()).toEqual(['GET /catalog/after']);
  });

  it('passes a chunked POST on as one request with its exact body', async () => {
    const body = '{"email":"a@b.c","password":"x"}';
    const socket = await sendRaw(
      gateway.port,
      'POST /auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked(body)}`,
    );
    expect(socket.answers()[0]?.status).toBe(200);
    const [seen] = upstream.requests;
    expect({ line: upstream.seen(), body: seen.body }).toEqual({
      line: ['POST /auth/login'],
      body,
    });
    expect(seen.headers['content-length']).toBe(String(body.length));
    expect(seen.headers['transfer-encoding']).toBeUndefined();
  });

  it.each([
    '/auth/internal',
    '/auth/internal/revocations',
    '/auth/internal/revocations?since=0',
    '/auth/../auth/internal/revocations',
    '/auth/%2e%2e/auth/internal/revocations',
    '/auth/./internal/revocations',
    '/auth/%69nternal/revocations',
    '/auth//internal/revocations',
    '//auth/internal/revocations',
    '/auth/INTERNAL/revocations',
    '/.well-known/../auth/internal/revocations',
  ])('never passes %s on: 404 not_found, or 400 for a path it will not interpret', async (path) => {
    const socket = await sendRaw(
      gateway.port,
      `GET ${path} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`,
    );
    const [answer] = socket.answers();
    expect([400, 404]).toContain(answer?.status);
    expect(JSON.parse(answer.body)).toEqual({
      code: answer.status === 404 ? 'not_found' : 'validation_failed',
      message: expect.any(String),
    });
    expect(await upstreamSaw()).toEqual(['GET /catalog/after']);
  });

  it('replaces a forged X-Forwarded-For with the address of the connection, and drops Forwarded', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        `http://127.0.0.1:${gateway.port}/auth/login`,
        {
          method: 'POST',
          localAddress: '127.0.0.2',
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': '203.0.113.66',
            forwarded: 'for=203.0.113.66',
            'x-real-ip': '203.0.113.66',
            connection: 'close',
          },
        },
        (res) => resolve(res.resume().statusCode ?? 0),
      );
      request.on('error', reject);
      request.end('{}');
    });
    expect(status).toBe(200);
    const { headers } = upstream.requests[0];
    expect(headers['x-forwarded-for']).toBe('127.0.0.2');
    expect(headers.forwarded).toBeUndefined();
    expect(headers['x-real-ip']).toBeUndefined();
    // The Host goes on unchanged: the services compare it with Origin (CSRF protection).
    expect(headers.host).toBe(`127.0.0.1:${gateway.port}`);
  });

  it('routes by prefix like the nginx template, and keeps every Set-Cookie', async () => {
    for (const path of [
      '/auth/me',
      '/.well-known/jwks.json',
      '/catalog/x',
      '/orders',
      '/orders/1',
      '/billing/summary',
    ]) {
      const res = await fetch(`http://127.0.0.1:${gateway.port}${path}`, {
        headers: { connection: 'close' },
      });
      expect({ path, status: res.status, cookies: res.headers.getSetCookie().length }).toEqual({
        path,
        status: 200,
        cookies: 2,
      });
    }
    for (const path of ['/ordersx', '/health/ready', '/authx']) {
      const res = await fetch(`http://127.0.0.1:${gateway.port}${path}`, {
        headers: { connection: 'close' },
      });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    expect(upstream.seen()).toEqual(
      [
        '/auth/me',
        '/.well-known/jwks.json',
        '/catalog/x',
        '/orders',
        '/orders/1',
        '/billing/summary',
      ].map((path) => `GET ${path}`),
    );
  });

  it.each([
    ['Content-Length', `Content-Length: ${BIG}\r\n\r\n${'x'.repeat(BIG)}`],
    ['Transfer-Encoding: chunked', `Transfer-Encoding: chunked\r\n\r\n${chunked('x'.repeat(BIG))}`],
  ])(
    'answers a body over the cap (%s) with 413 payload_too_large, readable, before the upstream sees it',
    async (_framing, rest) => {
      const socket = await RawSocket.connect(gateway.port);
      await socket.write(
        `POST /auth/register HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n${rest}`,
      );
      const answer = await socket.answer();
      socket.destroy();
      expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({
        status: 413,
        body: { code: 'payload_too_large', message: expect.any(String) },
      });
      expect(await upstreamSaw()).toEqual(['GET /catalog/after']);
    },
  );

  it('reads and drops the rest of a body it refused, so the client is not reset while it sends', async () => {
    const socket = await RawSocket.connect(gateway.port, '127.0.0.1', true);
    await socket.write(
      'POST /auth/register HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${BIG}\r\n\r\n`,
    );
    // The length alone is enough for the 413; the client only then sends its body.
    expect((await socket.answer()).status).toBe(413);
    await socket.write('x'.repeat(BIG));
    socket.end();
    await socket.untilClosed();
    expect(socket.errors).toEqual([]);
  });
});
