import { hostileTokens } from '@hybrid-auth/auth-guard/testing';
import { startCatalogApp, bearer } from './harness';
import type { CatalogTestApp } from './harness';

/** The shared corpus of malformed and malicious access tokens, at this service's guard. */
describe('hostile access tokens at catalog-service', () => {
  let t: CatalogTestApp;
  beforeAll(async () => {
    t = await startCatalogApp();
  });
  afterAll(() => t.close());

  it('answers every one with 401 (or 431 for oversized headers), never 2xx or 5xx, and keeps serving', async () => {
    const corpus = hostileTokens(t.signer, 'catalog-service');
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    const wrong: string[] = [];
    for (const hostile of corpus) {
      const res = await t.http().get('/catalog/me').set(bearer(hostile.token));
      const ok = hostile.expectStatus
        ? [hostile.expectStatus, 401].includes(res.status)
        : res.status === 401 && res.body.code === hostile.code;
      if (!ok) wrong.push(`${hostile.name}: ${res.status} ${res.body?.code}`);
    }
    expect(wrong).toEqual([]);
    await t.http().get('/catalog/me').set(bearer(t.signer.token())).expect(200);
  });
});
