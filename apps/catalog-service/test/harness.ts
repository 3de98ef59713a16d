import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { createTestDatabase } from '@hybrid-auth/database/testing';
import type { TestDatabase } from '@hybrid-auth/database/testing';
import { configureApp, createFastifyAdapter } from '@hybrid-auth/platform';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadCatalogConfig } from '../src/config/catalog.config';
import type { CatalogConfig } from '../src/config/catalog.config';

export const AUDIENCE = 'catalog-service';
export const ISSUER = 'http://auth.test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface CatalogTestApp {
  app: NestFastifyApplication;
  config: CatalogConfig;
  db: TestDatabase;
  dataSource: DataSource;
  /** Mints tokens the app accepts (its public key is the app's only verification key). */
  signer: TestTokenSigner;
  http: () => ReturnType<typeof request>;
  /** Closes the app and drops its database. */
  close(): Promise<void>;
}

/**
 * Boots the real AppModule on Fastify with the pipeline of main.ts, against a fresh
 * PostgreSQL database. There is no auth-service in these tests: the guard gets the
 * signer's public key instead of a JWKS URL, everything else comes from `env` as in production.
 */
export async function startCatalogApp(
  env: Record<string, string> = {},
  signer = new TestTokenSigner(ISSUER, AUDIENCE),
): Promise<CatalogTestApp> {
  const db = await createTestDatabase('catalog');
  try {
    const loaded = loadCatalogConfig({
      DATABASE_URL: db.url,
      AUTH_ISSUER: ISSUER,
      LOG_LEVEL: 'error',
      ...env,
    });
    const config: CatalogConfig = {
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
      db,
      dataSource: app.get(DataSource),
      signer,
      http: () => request(app.getHttpServer()),
      async close() {
        await app.close();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
