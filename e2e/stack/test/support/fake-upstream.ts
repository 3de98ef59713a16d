import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Upstreams } from './gateway';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A stand-in for the services behind a gateway: a plain node:http server (it parses HTTP/1.1
 * as the services do) that records every request it sees and answers 200 JSON with two
 * Set-Cookie headers. `started` counts requests as soon as their headers arrive, `requests`
 * once their body is complete, `connections` every TCP connection the gateway opened.
 */
export class FakeUpstream {
  readonly started: string[] = [];
  readonly requests: SeenRequest[] = [];
  connections = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeUpstream> {
    const server = http.createServer();
    const upstream = new FakeUpstream(server);
    server.on('connection', () => (upstream.connections += 1));
    server.on('request', (req, res) => upstream.answer(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Every prefix of the gateway routed here. */
  upstreams(): Upstreams {
    const at = `127.0.0.1:${this.port}`;
    return { AUTH_UPSTREAM: at, CATALOG_UPSTREAM: at, ORDERS_UPSTREAM: at, BILLING_UPSTREAM: at };
  }

  /** `METHOD url` of every complete request seen so far. */
  seen(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url}`);
  }

  reset(): void {
    this.started.length = 0;
    this.requests.length = 0;
    this.connections = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const line = `${req.method ?? ''} ${req.url ?? ''}`;
    this.started.push(line);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      });
      const answer = JSON.stringify({ seen: line });
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(answer),
        'set-cookie': ['access_token=a; Path=/; HttpOnly', 'refresh_token=r; Path=/auth; HttpOnly'],
      });
      res.end(answer);
    });
  }
}
