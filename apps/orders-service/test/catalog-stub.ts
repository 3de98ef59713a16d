import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubProduct {
  id: string;
  name: string;
  priceCents: number;
}

/**
 * `serve`: answers like catalog-service (the product, or 404 not_found);
 * `fail`: 500; `hang`: never answers; `garbage`: 200 with a body that is not a product.
 */
export type StubMode = 'serve' | 'fail' | 'hang' | 'garbage';

/** A real HTTP server standing in for catalog-service's `GET /catalog/products/:id`. */
export class CatalogStub {
  readonly products = new Map<string, StubProduct>();
  readonly requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  mode: StubMode = 'serve';
  url = '';
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  add(product: StubProduct): StubProduct {
    this.products.set(product.id, product);
    return product;
  }

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
        return json(200, { hello: 'world' });
      case 'serve': {
        const id = /^\/catalog\/products\/([^/?]+)$/.exec(req.url ?? '')?.[1];
        const product = id ? this.products.get(decodeURIComponent(id)) : undefined;
        if (!product) return json(404, { code: 'not_found', message: 'Product not found' });
        return json(200, { ...product, createdAt: new Date().toISOString() });
      }
    }
  }
}

/** A URL where nothing listens: a port that was free a moment ago. */
export async function deadUrl(): Promise<string> {
  const stub = await new CatalogStub().start();
  await stub.stop();
  return stub.url;
}
