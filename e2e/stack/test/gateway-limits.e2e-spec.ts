import { WebGateway } from './browser/support/web-gateway';
import { FakeUpstream } from './support/fake-upstream';
import { RawSocket } from './support/raw-socket';
import { eventually, sleep } from './support/service-process';

/**
 * What one slow or greedy client can take from npm start's gateway: slow bodies hold no
 * upstream connection, requests that never finish are cut, and one address gets a bounded
 * number of connections.
 */
const LOGIN_HEAD =
  'POST /auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
  'Content-Length: 100\r\n\r\n';

/** Sockets that send a request's head, then one byte of its body now and then, never all of it. */
class Dribblers {
  private readonly sockets: RawSocket[] = [];
  private timer: NodeJS.Timeout | undefined;

  async open(port: number, count: number, addresses: string[]): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const socket = await RawSocket.connect(port, addresses[i % addresses.length]);
      this.sockets.push(socket);
      await socket.write(`${LOGIN_HEAD}{`);
    }
    // At most 90 more bytes each: the body (100 bytes) is never complete.
    let sent = 0;
    this.timer = setInterval(() => {
      if ((sent += 1) > 90) return clearInterval(this.timer);
      for (const socket of this.sockets) void socket.write(' ');
    }, 250);
  }

  get stillOpen(): number {
    return this.sockets.filter((s) => !s.closed).length;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sockets.forEach((s) => s.destroy());
  }
}

async function login(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close' },
    body: '{"email":"a@b.c","password":"correct horse battery"}',
    // A liveness bound, well below the old gateway's 30 s upstream timeout.
    signal: AbortSignal.timeout(15_000),
  });
  return res.status;
}

describe('npm start’s gateway under slow and greedy clients', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => (upstream = await FakeUpstream.start()));
  afterAll(() => upstream?.stop());
  beforeEach(() => upstream.reset());

  it('answers a login while 70 clients dribble request bodies, which hold no upstream connection', async () => {
    // A long request timeout, so the dribblers stay connected for the whole test.
    const gateway = await WebGateway.startWith(upstream.upstreams(), {
      GATEWAY_REQUEST_TIMEOUT_MS: '120000',
    });
    const dribblers = new Dribblers();
    try {
      // Two addresses, so the per-address connection limit (64) is not what stops them.
      await dribblers.open(gateway.port, 70, ['127.0.0.2', '127.0.0.3']);
      // Time for the gateway to read every head (an old gateway would take 64 upstream
      // connections here), not a measure of anything.
      await sleep(500);
      expect(await login(gateway.port)).toBe(200);
      expect({ stillSending: dribblers.stillOpen, upstreamSaw: upstream.started }).toEqual({
        stillSending: 70,
        upstreamSaw: ['POST /auth/login'],
      });
    } finally {
      dribblers.stop();
      await gateway.stop();
    }
  });

  it('closes a connection whose request head or body takes longer than GATEWAY_REQUEST_TIMEOUT_MS', async () => {
    const gateway = await WebGateway.startWith(upstream.upstreams(), {
      GATEWAY_REQUEST_TIMEOUT_MS: '1000',
    });
    const dribblers = new Dribblers();
    const slowHead = await RawSocket.connect(gateway.port);
    try {
      await dribblers.open(gateway.port, 1, ['127.0.0.1']);
      await slowHead.write('POST /auth/login HTTP/1.1\r\nHost: gateway\r\n');
      const stillTyping = setInterval(() => void slowHead.write('X-A: b\r\n'), 250);
      await eventually(() => dribblers.stillOpen === 0 && slowHead.closed, 15_000).finally(() =>
        clearInterval(stillTyping),
      );
      expect(upstream.started).toEqual([]);
      // Others are still served.
      expect(await login(gateway.port)).toBe(200);
    } finally {
      dribblers.stop();
      slowHead.destroy();
      await gateway.stop();
    }
  });

  it('gives one address GATEWAY_MAX_CONNECTIONS_PER_IP connections; others are not affected', async () => {
    const gateway = await WebGateway.startWith(upstream.upstreams(), {
      GATEWAY_MAX_CONNECTIONS_PER_IP: '4',
    });
    const greedy: RawSocket[] = [];
    const healthz = 'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n';
    try {
      for (let i = 0; i < 4; i += 1) {
        const socket = await RawSocket.connect(gateway.port, '127.0.0.4');
        greedy.push(socket);
        await socket.write(healthz);
        expect((await socket.answer()).status).toBe(200);
      }
      const fifth = await RawSocket.connect(gateway.port, '127.0.0.4');
      greedy.push(fifth);
      await fifth.write('GET /catalog/from-the-fifth HTTP/1.1\r\nHost: gateway\r\n\r\n');
      await fifth.untilClosed();
      expect(upstream.started).toEqual([]);
      const refused = fifth.answers();
      expect(refused.map((a) => a.status)).not.toContain(200);
      if (refused.length > 0) {
        expect({
          status: refused[0].status,
          code: JSON.parse(refused[0].body).code as unknown,
        }).toEqual({
          status: 429,
          code: 'rate_limited',
        });
      }
      const other = await RawSocket.connect(gateway.port, '127.0.0.5');
      await other.write(healthz);
      expect((await other.answer()).status).toBe(200);
      other.destroy();
      // A closed connection frees its place.
      greedy[0].destroy();
      await eventually(async () => {
        const again = await RawSocket.connect(gateway.port, '127.0.0.4');
        greedy.push(again);
        await again.write(healthz);
        return (await again.answer(1, 2000)).status === 200;
      }, 15_000);
    } finally {
      greedy.forEach((s) => s.destroy());
      await gateway.stop();
    }
  });
});
