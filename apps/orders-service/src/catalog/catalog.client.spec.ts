import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import { CatalogStub } from '../../test/catalog-stub';
import { CatalogClient } from './catalog.client';

describe('CatalogClient', () => {
  const stub = new CatalogStub();
  const mug = stub.add({ id: randomUUID(), name: 'Ceramic mug', priceCents: 1250 });
  let client: CatalogClient;
  beforeAll(async () => {
    await stub.start();
    // Long enough for a local stub on a loaded 2-core CI machine (300 ms was not): only the
    // 'hang' case waits for it.
    client = new CatalogClient({ url: stub.url, timeoutMs: 2_000 });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(() => stub.stop());
  beforeEach(() => {
    stub.mode = 'serve';
    stub.requests.length = 0;
  });

  it('returns the product with its price', async () => {
    await expect(client.findProduct(mug.id)).resolves.toEqual(mug);
  });

  it('returns null for a product the catalog does not know', async () => {
    await expect(client.findProduct(randomUUID())).resolves.toBeNull();
  });

  it('passes a well-formed request id on, and drops one that could smuggle header content', async () => {
    await client.findProduct(mug.id, 'abc-123');
    await client.findProduct(mug.id, 'x'.repeat(200));
    await client.findProduct(mug.id, 'a b');
    expect(stub.requests.map((r) => r.headers['x-request-id'])).toEqual([
      'abc-123',
      undefined,
      undefined,
    ]);
  });

  it('treats a product with another id as a broken catalog: 503 unavailable', async () => {
    stub.add({ id: 'c1000000-0000-4000-8000-000000000001', name: 'x', priceCents: 1 });
    stub.products.set('c1000000-0000-4000-8000-000000000002', {
      id: 'c1000000-0000-4000-8000-000000000001',
      name: 'x',
      priceCents: 1,
    });
    const error = await client.findProduct('c1000000-0000-4000-8000-000000000002').catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(503);
    expect((error as ApiError).code).toBe('unavailable');
  });

  it.each(['fail', 'garbage', 'hang'] as const)(
    'turns a catalog in mode %s into 503 unavailable',
    async (mode) => {
      stub.mode = mode;
      const error = await client.findProduct(mug.id).catch((e) => e);
      expect((error as ApiError).code).toBe('unavailable');
    },
  );
});
