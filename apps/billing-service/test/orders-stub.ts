import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubOrder {
  id: string;
  productId: string;
  quantity: number;
  totalCents: number;
  createdAt: string;
}

/**
 * `serve`: answers like orders-service's `GET /orders/summary` (count and total of the
 * presented token's orders, or 401 with `refusalCode` for a token it was not given);
 * `fail`: 500; `hang`: never answers; `garbage`: 200 with a body that is not a summary.
 */
export type StubMode = 'serve' | 'fail' | 'hang' | 'garbage';

/** A real HTTP server standing in for orders-service's `GET /orders/summary`. */
export class OrdersStub {
  readonly ordersByToken = new Map<string, StubOrder[]>();
  readonly requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  mode: StubMode = 'serve';
  refusalCode = 'invalid_token';
  url = '';
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push({ url: req.url ?? '', headers: req.headers });
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    switch (this.mode) {
      case 'hang':
        return;
      case 'fail':
        return json(500, { code: 'internal_error', message: 'Internal error' });
      case 'garbage':
        return json(200, { orderCount: 1, totalCents: 'a lot' });
      case 'serve': {
        if (req.url !== '/orders/summary') {
          return json(404, { code: 'not_found', message: 'Not found' });
        }
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const orders = token ? this.ordersByToken.get(token) : undefined;
        if (!orders) return json(401, { code: this.refusalCode, message: 'Refused by the stub' });
        const totalCents = orders.reduce((sum, order) => sum + order.totalCents, 0);
        return json(200, { orderCount: orders.length, totalCents });
      }
    }
  }
}

/** A URL where nothing listens: a port that was free a moment ago. */
export async function deadUrl(): Promise<string> {
  const stub = await new OrdersStub().start();
  await stub.stop();
  return stub.url;
}
