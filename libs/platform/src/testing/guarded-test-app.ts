import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { AuthGuardModuleOptions } from '@hybrid-auth/auth-guard';
import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import request from 'supertest';
import type { HttpConfig } from '../config/common-config';
import { configureApp } from '../http/create-app';
import { createFastifyAdapter } from '../http/fastify-adapter';

/** The issuer of the tokens a test signer mints (no auth-service in these tests). */
export const TEST_ISSUER = 'http://auth.test';
/** The machine's Redis, which tests share (each with keys of its own). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The config shape every guarded service shares. */
export interface GuardedConfig {
  http: HttpConfig;
  guard: AuthGuardModuleOptions;
}

export interface GuardedTestAppOptions<C extends GuardedConfig> {
  /** The service's audience (its name): tokens minted by `signer` are for it. */
  audience: string;
  /** TEST_ISSUER unless given. */
  issuer?: string;
  /** Mints the tokens the app accepts: one for `audience` and `issuer` unless given. */
  signer?: TestTokenSigner;
  /** The service's own config loader, as main.ts calls it. */
  load: (env: Record<string, string | undefined>) => C;
  /** Its root module for a config (`(config) => AppModule.register(config)`). */
  module: (config: C) => DynamicModule;
  env: Record<string, string>;
  /** Releases what the caller made for this app (a database, a stream), on close or failure. */
  release?: () => Promise<void>;
}

export interface GuardedTestApp<C extends GuardedConfig> {
  app: NestFastifyApplication;
  config: C;
  /** Mints tokens the app accepts (its public key is the app's only verification key). */
  signer: TestTokenSigner;
  /** supertest against the app, in process. */
  http: () => ReturnType<typeof request>;
  /** Closes the app, then releases what the caller made for it. */
  close(): Promise<void>;
}

/**
 * Boots a guarded service's real root module on Fastify with the pipeline of main.ts. There
 * is no auth-service in these tests: the guard gets the signer's public key instead of a JWKS
 * URL, everything else comes from `env` as in production.
 */
export async function startGuardedTestApp<C extends GuardedConfig>(
  options: GuardedTestAppOptions<C>,
): Promise<GuardedTestApp<C>> {
  const release = options.release ?? (async () => undefined);
  const issuer = options.issuer ?? TEST_ISSUER;
  const signer = options.signer ?? new TestTokenSigner(issuer, options.audience);
  try {
    const loaded = options.load({
      AUTH_ISSUER: issuer,
      LOG_LEVEL: 'error',
      ...options.env,
    });
    const config: C = {
      ...loaded,
      guard: { ...loaded.guard, jwksUrl: undefined, keys: signer.jwks },
    };
    const moduleRef = await Test.createTestingModule({
      imports: [options.module(config)],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      createFastifyAdapter(config.http),
      { logger: ['error'] },
    );
    configureApp(app, config.http, {
      name: options.audience,
      description: 'test',
      version: 'test',
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return {
      app,
      config,
      signer,
      http: () => request(app.getHttpServer()),
      async close() {
        await app.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
