import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TestTokenSigner } from '../src/testing';
import { createProbeApp } from './test-app';
import type { Adapter } from './test-app';

const signer = new TestTokenSigner('http://auth.test', 'probe-service');

describe.each<Adapter>(['fastify', 'express'])('@RequireVerifiedEmail() on %s', (adapter) => {
  let app: INestApplication;
  const get = (token: string) =>
    request(app.getHttpServer()).get('/verified').set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    app = await createProbeApp(adapter, {
      issuer: signer.issuer,
      audience: 'probe-service',
      keys: signer.jwks,
    });
  });
  afterAll(() => app.close());

  it('admits a token that says email_verified: true, and exposes it on the user', async () => {
    const res = await get(signer.token({ claims: { email_verified: true } })).expect(200);
    expect(res.body).toEqual({ emailVerified: true });
  });

  it('answers 403 email_not_verified from the token alone', async () => {
    for (const token of [
      signer.token({ claims: { email_verified: false } }),
      signer.token(), // no claim at all counts as unverified
    ]) {
      const res = await get(token).expect(403);
      expect(res.body).toEqual({ code: 'email_not_verified', message: expect.any(String) });
    }
  });

  it('refuses a token whose email_verified is not a boolean as invalid_token', async () => {
    const res = await get(signer.token({ claims: { email_verified: 'true' } })).expect(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it('leaves routes without the decorator open to unverified tokens', async () => {
    const res = await request(app.getHttpServer())
      .get('/me')
      .set('authorization', `Bearer ${signer.token({ claims: { email_verified: false } })}`)
      .expect(200);
    expect(res.body.emailVerified).toBe(false);
  });
});
