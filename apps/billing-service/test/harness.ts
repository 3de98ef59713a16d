import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { configureApp, createFastifyAdapter } from '@hybrid-auth/platform';
import request from 'supertest';
import { AppModule } from '../src/app.module';
import { loadBillingConfig } from '../src/config/billing.config';
import type { BillingConfig } from '../src/config/billing.config';
import { REDIS_URL, TestRelay } from './test-relay';

export const AUDIENCE = 'billing-service';
export const ISSUER = 'http://auth.test';

// Every e2e suite imports this file. Suites boot apps (some two at once) against the shared
// PostgreSQL and Redis on two cores next to other suites: 5 s is too tight under load.
jest.setTimeout(30_000);

export interface BillingTestApp {
  app: NestFastifyApplication;
  config: BillingConfig;
  /** Mints tokens the app accepts (its public key is the app's only verification key). */
  signer: TestTokenSigner;
  /** The revocation stream the app follows. */
  relay: TestRelay;
  http: () => ReturnType<typeof request>;
  /** Closes the app and deletes its stream. */
  close(): Promise<void>;
}

/**
 * Boots the real AppModule on Fastify with the pipeline of main.ts, following a revocation
 * stream of its own on the machine's Redis. There is no auth-service in these tests: the
 * guard gets the signer's public key instead of a JWKS URL, and `relay` plays the relay.
 * Heartbeats run from the start unless `heartbeats: false`.
 */
export async function startBillingApp(
  env: Record<string, string> = {},
  options: { heartbeats?: boolean } = {},
): Promise<BillingTestApp> {
  const signer = new TestTokenSigner(ISSUER, AUDIENCE);
  const relay = await new TestRelay(signer).init();
  if (options.heartbeats !== false) await relay.startHeartbeats();
  try {
    const loaded = loadBillingConfig({
      REDIS_URL,
      AUTH_REVOCATION_STREAM: relay.streamKey,
      AUTH_ISSUER: ISSUER,
      LOG_LEVEL: 'error',
      ...env,
    });
    const config: BillingConfig = {
      ...loaded,
      guard: { ...loaded.guard, jwksUrl: undefined, keys: signer.jwks },
    };
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.register(config)],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      createFastifyAdapter(config.http),
      { logger: ['error'] },
    );
    configureApp(app, config.http, { name: AUDIENCE, description: 'test', version: 'test' });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return {
      app,
      config,
      signer,
      relay,
      http: () => request(app.getHttpServer()),
      async close() {
        await app.close();
        await relay.close();
      },
    };
  } catch (error) {
    await relay.close();
    throw error;
  }
}

/** Polls until `probe` answers `status` (news travels asynchronously); fails if it never does. */
export async function eventually(probe: () => Promise<{ status: number }>, status: number) {
  const deadline = Date.now() + 5000;
  let last: number | undefined;
  while (Date.now() < deadline) {
    last = (await probe()).status;
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`expected status ${status}, still ${last}`);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
