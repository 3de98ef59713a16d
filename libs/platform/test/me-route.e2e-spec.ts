import { randomUUID } from 'node:crypto';
import { Module, ValidationPipe } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuardModule, JwtAuthGuard } from '@hybrid-auth/auth-guard';
import { EnvReader, MeController, PlatformModule, readGuardConfig, readHttpConfig } from '../src';
import type { GuardedConfig, GuardedTestApp } from '../src/testing';
import { startGuardedTestApp } from '../src/testing';

const AUDIENCE = 'catalog-service';

@Module({})
class MeTestModule {
  static register(config: GuardedConfig): DynamicModule {
    return {
      module: MeTestModule,
      imports: [PlatformModule, AuthGuardModule.forRoot(config.guard)],
      controllers: [MeController('catalog')],
      providers: [{ provide: APP_GUARD, useExisting: JwtAuthGuard }],
    };
  }
}

const load = (env: Record<string, string | undefined>): GuardedConfig => {
  const read = new EnvReader(env);
  const config = {
    http: readHttpConfig(read, 0),
    guard: readGuardConfig(read, { audience: AUDIENCE }),
  };
  read.done();
  return config;
};

/**
 * `GET /<prefix>/me` as every downstream service mounts it, behind the real guard and the
 * platform's pipeline: it answers the token's identity, refuses without a token, and reaches
 * its handler without running any pipe (the global validation pipe has nothing to check on it,
 * and each pipe run is a chain of promises on the cheapest guarded route of every service).
 */
describe('MeController', () => {
  let app: GuardedTestApp<GuardedConfig>;

  beforeAll(async () => {
    app = await startGuardedTestApp({
      audience: AUDIENCE,
      load,
      module: (config) => MeTestModule.register(config),
      env: {},
    });
  });

  afterAll(() => app?.close());
  afterEach(() => jest.restoreAllMocks());

  it('answers the identity of the verified token', async () => {
    const ids = { userId: randomUUID(), sessionId: randomUUID() };
    const response = await app
      .http()
      .get('/catalog/me')
      .set('authorization', `Bearer ${app.signer.token({ ...ids, role: 'admin' })}`)
      .expect(200);
    expect(response.body).toEqual({ ...ids, role: 'admin' });
  });

  it('refuses a request without a token', async () => {
    const response = await app.http().get('/catalog/me').expect(401);
    expect(response.body.code).toBe('missing_token');
  });

  it('runs no pipe on the way to its handler', async () => {
    const transform = jest.spyOn(ValidationPipe.prototype, 'transform');
    await app
      .http()
      .get('/catalog/me')
      .set('authorization', `Bearer ${app.signer.token()}`)
      .expect(200);
    expect(transform).not.toHaveBeenCalled();
  });
});
