import { Injectable, Optional } from '@nestjs/common';
import { AuthGuardStatus } from '@hybrid-auth/auth-guard';

/** `ok`: serving normally; `degraded`: serving, but something needs attention; `down`: not ready. */
export type CheckStatus = 'ok' | 'degraded' | 'down';

export interface CheckResult {
  status: CheckStatus;
  detail?: string;
}

export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

const CHECK_TIMEOUT_MS = 1500;

/**
 * Features register what their readiness depends on (database, Redis, signing keys,
 * revocation feed); `/health/ready` runs every check with a timeout so a hanging
 * dependency makes the probe fail fast instead of hang.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Where the app verifies tokens, readiness includes the guard: keys loaded, revocation news current. */
  constructor(@Optional() guard?: AuthGuardStatus) {
    if (guard) this.register('auth', () => guard.readiness());
  }

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async run(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runWithTimeout(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, result]) => result.status !== 'down'), checks };
  }
}

async function runWithTimeout(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'down', detail: 'check timed out' }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
