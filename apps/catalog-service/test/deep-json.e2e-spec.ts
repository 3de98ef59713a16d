import { Logger } from '@nestjs/common';
import { bearer, startCatalogApp } from './harness';
import type { CatalogTestApp } from './harness';

/** 8,000 `[` then 8,000 `]`: 16 kB, under the body limit, deep enough to overflow the stack. */
const DEEP = '['.repeat(8000) + ']'.repeat(8000);

describe('catalog-service: deeply nested JSON bodies', () => {
  let t: CatalogTestApp;
  beforeAll(async () => {
    t = await startCatalogApp();
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('answers POST /catalog/products with 400 validation_failed, logging no error', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const admin = bearer(t.signer.token({ role: 'admin' }));
    for (const body of [DEEP, `{"name":"mug","priceCents":${DEEP}}`]) {
      const res = await t
        .http()
        .post('/catalog/products')
        .set(admin)
        .set('content-type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body).toMatchObject({ code: 'validation_failed', details: [{ field: '(body)' }] });
    }
    expect(errors).not.toHaveBeenCalled();
    const listed = await t.http().get('/catalog/products').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('[[[');
  });
});
