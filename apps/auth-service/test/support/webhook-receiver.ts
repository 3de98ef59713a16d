import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  payload: { type: string; timestamp: string; data: { id: string; type: string; userId: string } };
}

/**
 * A real webhook endpoint: verifies every delivery with the standardwebhooks package (a bad
 * signature is answered 401 and kept out of `received`), and can be stopped and started
 * again on the same port.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  readonly rejected: string[] = [];
  private server: Server | undefined;
  private readonly verifier: Webhook;
  port = 0;

  constructor(readonly secret: string) {
    this.verifier = new Webhook(secret);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const payload = this.verifier.verify(body, req.headers as Record<string, string>);
          this.received.push({
            id: String(req.headers['webhook-id']),
            payload: payload as Received['payload'],
          });
          res.writeHead(204).end();
        } catch (error) {
          this.rejected.push((error as Error).message);
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits (bounded) until `count` deliveries have arrived. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} deliveries, got ${this.received.length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.received;
  }
}
