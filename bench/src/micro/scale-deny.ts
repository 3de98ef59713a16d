import { DenyList } from '@hybrid-auth/auth-guard';
import { randomUUID } from 'node:crypto';
import type { DenyListSteadyState, ScaleOp } from '../report/results-scale';
import { user } from './deny-list';
import { heap } from './scale-cache';
import { rate } from './timing';

/** The guard's window (auth-guard.module.ts): 900 s tokens + 2 x 30 s leeway. */
export const RETENTION_MS = (900 + 2 * 30) * 1000;
/** RevocationFeed sweeps the deny-list this often (SWEEP_EVERY_MS). */
export const SWEEP_EVERY_MS = 10_000;

/** A flat UUID string, as the feed decodes it from Redis (randomUUID() builds pieces). */
const flatId = () => Buffer.from(randomUUID(), 'latin1').toString('latin1');

/** The real DenyList at `size` revoked sessions: heap per entry, check() for a live and a revoked session. */
export function denyListAt(
  size: number,
  budgetMs: number,
): { entries: number; bytes: number; bytesPerEntry: number; ops: ScaleOp[] } {
  const sampleEvery = Math.max(1, Math.floor(size / 4096));
  const revoked: string[] = [];
  const before = heap();
  const list = new DenyList(RETENTION_MS);
  const now = Date.now();
  for (let i = 0; i < size; i += 1) {
    const id = flatId();
    list.revokeSession(id, now);
    if (i % sampleEvery === 0) revoked.push(id);
  }
  const bytes = heap() - before - revoked.length * 8;
  if (list.size.sessions !== size) throw new Error('deny-list lost entries');
  // Fresh copies: a request's claims come from JSON.parse, never the feed's string objects.
  const dead = revoked.map((id) => user(Buffer.from(id, 'latin1').toString('latin1')));
  const live = Array.from({ length: 4096 }, () => user(flatId()));
  let i = 0;
  const ops: ScaleOp[] = [
    {
      name: 'check, live session (a miss: the common case)',
      nsPerOp: rate(() => list.check(live[(i = (i + 1) % live.length)]), budgetMs).nsPerOp,
    },
    {
      name: 'check, revoked session',
      nsPerOp: rate(() => list.check(dead[(i = (i + 1) % dead.length)]), budgetMs).nsPerOp,
    },
  ];
  if (dead.some((u) => list.check(u) !== 'session_revoked')) throw new Error('a revoked id passed');
  return { entries: size, bytes, bytesPerEntry: bytes / size, ops };
}

/**
 * The deny-list has no count bound: each entry stays `RETENTION_MS` and the feed sweeps every
 * 10 s, so its size is the revocation rate times the window. A simulated clock runs a steady
 * `ratePerSec` for 1.2x the window (sweeping as the feed does): the size must level off at
 * about rate x (window + one sweep period) and stay there.
 */
export function denyListSteadyState(ratePerSec: number): DenyListSteadyState {
  const list = new DenyList(RETENTION_MS);
  const start = Date.now();
  const simulatedSec = Math.round((1.2 * RETENTION_MS) / 1000);
  const sweepEverySec = SWEEP_EVERY_MS / 1000;
  let maxSize = 0;
  let inserted = 0;
  let sweepMs = Number.NaN;
  let sweepDropped = 0;
  for (let second = 0; second < simulatedSec; second += 1) {
    const at = start + second * 1000;
    for (let i = 0; i < ratePerSec; i += 1) list.revokeSession(flatId(), at + i / ratePerSec);
    inserted += ratePerSec;
    if ((second + 1) % sweepEverySec === 0) {
      maxSize = Math.max(maxSize, list.size.sessions);
      const t0 = process.hrtime.bigint();
      const dropped = list.sweep(at + 1000);
      const took = Number(process.hrtime.bigint() - t0) / 1e6;
      // The first sweep that drops a full period's worth: the steady-state cost.
      if (Number.isNaN(sweepMs) && dropped >= ratePerSec * sweepEverySec * 0.9) {
        sweepMs = took;
        sweepDropped = dropped;
      }
    }
  }
  return {
    ratePerSec,
    retentionSec: RETENTION_MS / 1000,
    sweepEverySec,
    simulatedSec,
    inserted,
    maxSize,
    finalSize: list.size.sessions,
    sweepMs,
    sweepDropped,
  };
}
