import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { startGuardedTestApp } from '@hybrid-auth/platform/testing';
import type { GuardedTestApp } from '@hybrid-auth/platform/testing';
import { AppModule } from '../src/app.module';
import { loadBillingConfig } from '../src/config/billing.config';
import type { BillingConfig } from '../src/config/billing.config';
import { REDIS_URL, TestRelay } from './test-relay';

export const AUDIENCE = 'billing-service';
export const ISSUER = 'http://auth.test';

// Every e2e suite imports this file. Suites boot apps (some two at once) against the shared
// PostgreSQL and Redis on two cores next to other suites: 5 s is too tight under load.
jest.setTimeout(30_000);

/** The app, the revocation stream it follows (deleted by `close()`) and a signer for its tokens. */
export type BillingTestApp = GuardedTestApp<BillingConfig> & {
  /** The revocation stream the app follows: `relay` plays auth-service's relay. */
  relay: TestRelay;
};

/**
 * The real AppModule (see startGuardedTestApp) following a revocation stream of its own on
 * the machine's Redis. Heartbeats run from the start unless `heartbeats: false`.
 */
export async function startBillingApp(
  env: Record<string, string> = {},
  options: { heartbeats?: boolean } = {},
): Promise<BillingTestApp> {
  const signer = new TestTokenSigner(ISSUER, AUDIENCE);
  const relay = await new TestRelay(signer).init();
  if (options.heartbeats !== false) await relay.startHeartbeats();
  const started = await startGuardedTestApp({
    audience: AUDIENCE,
    issuer: ISSUER,
    signer,
    load: loadBillingConfig,
    module: (config) => AppModule.register(config),
    env: { REDIS_URL, AUTH_REVOCATION_STREAM: relay.streamKey, ...env },
    release: () => relay.close(),
  });
  return { ...started, relay };
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
