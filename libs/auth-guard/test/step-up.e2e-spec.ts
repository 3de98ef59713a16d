import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TestTokenSigner } from '../src/testing';
import { createProbeApp } from './test-app';
import type { Adapter } from './test-app';

const signer = new TestTokenSigner('http://auth.test', 'probe-service');
const now = () => Math.floor(Date.now() / 1000);

describe.each<Adapter>(['fastify', 'express'])(
  '@RequireAal2() and @FreshAuth() on %s',
  (adapter) => {
    let app: INestApplication;
    const get = (path: string, claims: Record<string, unknown>) =>
      request(app.getHttpServer())
        .get(path)
        .set('authorization', `Bearer ${signer.token({ claims })}`);

    beforeAll(async () => {
      app = await createProbeApp(adapter, {
        issuer: signer.issuer,
        audience: 'probe-service',
        keys: signer.jwks,
      });
    });
    afterAll(() => app.close());

    const expectStepUp = (res: request.Response, param: RegExp) => {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        code: 'insufficient_user_authentication',
        message: expect.any(String),
      });
      const challenge = res.headers['www-authenticate'];
      expect(challenge).toMatch(/^Bearer error="insufficient_user_authentication"/);
      expect(challenge).toMatch(param);
    };

    it('admits an aal2 token and exposes aal and amr on the user', async () => {
      const res = await get('/aal2', { aal: 'aal2', amr: ['webauthn'] }).expect(200);
      expect(res.body).toEqual({ aal: 'aal2', amr: ['webauthn'] });
    });

    it('refuses an aal1 token, or one without aal, with acr_values="aal2"', async () => {
      expectStepUp(await get('/aal2', { aal: 'aal1', amr: ['pwd'] }), /acr_values="aal2"/);
      expectStepUp(await get('/aal2', {}), /acr_values="aal2"/);
    });

    it('under whenEnrolled, refuses aal1 only for a user whose token says mfa_enrolled', async () => {
      expectStepUp(
        await get('/aal2-when-enrolled', { aal: 'aal1', mfa_enrolled: true }),
        /acr_values="aal2"/,
      );
      await get('/aal2-when-enrolled', { aal: 'aal1', mfa_enrolled: false }).expect(200);
      await get('/aal2-when-enrolled', { aal: 'aal2', mfa_enrolled: true }).expect(200);
    });

    it('refuses a sign-in older than FreshAuth(300) with max_age=300', async () => {
      await get('/fresh', { auth_time: now() - 100 }).expect(200);
      expectStepUp(await get('/fresh', { auth_time: now() - 400 }), /max_age=300/);
      expectStepUp(await get('/fresh', {}), /max_age=300/);
    });
  },
);
