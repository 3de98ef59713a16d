import { ERROR_CODES } from '@hybrid-auth/platform';
import { PASSWORD, bearer, signUpAndLogin, startAuthApp, uniqueEmail } from './harness';
import type { AuthTestApp } from './harness';
import { expectError } from './expectations';

/** Only `code`, `message` and (for validation) `details`; the code from the closed set. */
function expectEnvelope(body: Record<string, unknown>): void {
  expect(Object.keys(body).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual([]);
  expect(ERROR_CODES).toContain(body.code);
  expect(typeof body.message).toBe('string');
}

describe('errors', () => {
  let t: AuthTestApp;
  beforeAll(async () => {
    t = await startAuthApp({ HTTP_TRUSTED_ORIGINS: 'https://app.example' });
  });
  afterAll(() => t.close());

  const json = (path: string, body: string) =>
    t.http().post(path).set('content-type', 'application/json').send(body);

  it('answers an unknown route with 404 not_found', async () => {
    expectError(await t.http().get('/auth/nothing-here'), 404, 'not_found');
    expectError(await t.http().get('/'), 404, 'not_found');
  });

  it('answers a known path with the wrong method with a 4xx code', async () => {
    const res = await t.http().put('/auth/login').send({});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectEnvelope(res.body);
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const res = await t
      .http()
      .post('/auth/register')
      .send({ email: uniqueEmail(), password: 'x'.repeat(64 * 1024) });
    expectError(res, 413, 'payload_too_large');
    expectEnvelope(res.body);
  });

  it.each([
    ['application/xml', '<login/>'],
    ['application/octet-stream', 'AAAA'],
    ['multipart/form-data; boundary=x', '--x--'],
    // What a cross-site HTML form sends: refused before any handler, CSRF or not.
    ['application/x-www-form-urlencoded', 'email=a%40b.co&password=correct+horse+battery'],
    ['text/plain', '{"email":"a@b.co","password":"correct horse battery"}'],
  ])('answers a %s body with 415 unsupported_media_type', async (type, body) => {
    const res = await t.http().post('/auth/login').set('content-type', type).send(body);
    expectError(res, 415, 'unsupported_media_type');
  });

  it('answers a text/plain body with a 4xx code, not a 500', async () => {
    const body = JSON.stringify({ email: uniqueEmail(), password: PASSWORD });
    const res = await t.http().post('/auth/register').set('content-type', 'text/plain').send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectEnvelope(res.body);
  });

  it.each([
    ['malformed JSON', '{"email": '],
    ['an empty JSON body', ''],
    ['a JSON string', '"hello"'],
    ['a JSON number', '42'],
    ['a JSON array', '[{"email":"a@b.co","password":"12345678"}]'],
  ])('answers %s with 400 validation_failed', async (_label, body) => {
    const res = await json('/auth/register', body);
    expectError(res, 400, 'validation_failed');
    expectEnvelope(res.body);
  });

  it('answers a missing body with 400 validation_failed naming every required field', async () => {
    const res = await t.http().post('/auth/login');
    expectError(res, 400, 'validation_failed');
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'email',
      'password',
    ]);
  });

  it('does not let a __proto__ key through validation', async () => {
    const res = await json(
      '/auth/register',
      `{"email":"${uniqueEmail()}","password":"${PASSWORD}","__proto__":{"role":"admin"}}`,
    );
    expect(res.status).toBe(400);
    expectEnvelope(res.body);
  });

  it('refuses a cross-site state-changing request with 403 csrf_rejected', async () => {
    const session = await signUpAndLogin(t);
    const res = await t
      .http()
      .post('/auth/login')
      .set('origin', 'https://evil.example')
      .send({ email: session.user.email, password: PASSWORD });
    expectError(res, 403, 'csrf_rejected');
    const logout = await t
      .http()
      .post('/auth/logout-all')
      .set(bearer(session.accessToken))
      .set('sec-fetch-site', 'cross-site');
    expectError(logout, 403, 'csrf_rejected');
    await t.http().get('/auth/me').set(bearer(session.accessToken)).expect(200);
  });

  it('lets a trusted origin and same-origin browsers through', async () => {
    const session = await signUpAndLogin(t);
    const credentials = { email: session.user.email, password: PASSWORD };
    await t
      .http()
      .post('/auth/login')
      .set('origin', 'https://app.example')
      .send(credentials)
      .expect(200);
    await t
      .http()
      .post('/auth/login')
      .set('sec-fetch-site', 'same-origin')
      .send(credentials)
      .expect(200);
  });

  it('sends security headers on every answer, errors included', async () => {
    const res = await t.http().get('/auth/me');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });
});
