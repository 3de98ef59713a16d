import { Logger } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwksKeySource, MAX_JWKS_BYTES } from './jwks-key-source';

/** Where the endless body stops on its own, so a test of the old behaviour still ends. */
const SERVER_LIMIT = 32 * 1024 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, ' ');

/** Writes `{"keys":[` and then blanks, forever as far as the reader can tell, honouring backpressure. */
function streamEndlessly(res: ServerResponse, onClose: () => void): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"keys":[');
  let sent = 0;
  let closed = false;
  res.on('close', () => {
    closed = true;
    onClose();
  });
  const pump = () => {
    while (!closed && sent < SERVER_LIMIT) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    if (!closed) res.end(']}');
  };
  pump();
}

describe('JwksKeySource reading a body that never ends', () => {
  let server: Server;
  let endless = false;
  let closedEarly: Promise<void>;
  let source: JwksKeySource;
  let now = 0;
  let bytesRead = 0;

  /** The global fetch, with every body byte the key source pulls counted on its way. */
  const countingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body!.pipeThrough(counter), {
      status: response.status,
      headers: response.headers,
    });
  };

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }];
    let markClosed: () => void = () => undefined;
    closedEarly = new Promise<void>((resolve) => (markClosed = resolve));
    server = createServer((_req, res) => {
      if (!endless) return void res.writeHead(200).end(JSON.stringify({ keys }));
      streamEndlessly(res, markClosed);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    source = new JwksKeySource({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
      refreshIntervalSeconds: 300,
      unknownKidCooldownSeconds: 30,
      timeoutMs: 5000,
      clock: () => now,
      fetch: countingFetch,
    });
  });
  afterAll(async () => {
    source.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    jest.restoreAllMocks();
  });

  it('abandons it past the cap, keeps its last good keys, and reads a bounded number of bytes', async () => {
    await source.start();
    expect(source.get('k1')).toBeDefined();
    endless = true;
    bytesRead = 0;
    now += 60_000;
    await source.refreshForUnknownKid();
    expect(source.describe().lastError).toBe('JWKS document too large');
    expect(source.get('k1')).toBeDefined();
    // At most the cap plus the chunk that crossed it (and one read ahead), never the stream.
    expect(bytesRead).toBeGreaterThan(MAX_JWKS_BYTES);
    expect(bytesRead).toBeLessThanOrEqual(MAX_JWKS_BYTES + 256 * 1024);
    // The connection was closed by the reader, long before the server would have ended it.
    await closedEarly;
  });
});
