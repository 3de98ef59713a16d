import { DenyList } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { randomUUID } from 'node:crypto';
import type { MicroEntry } from '../report/results';
import { rate } from './timing';

const RETENTION_MS = (900 + 60) * 1000;

/** A cached user of that session, as the deny-list is asked about it. */
export const user = (sessionId: string): AuthUser => ({
  userId: randomUUID(),
  sessionId,
  role: 'user',
  audience: ['bench-service'],
  tokenId: randomUUID(),
  issuedAt: 0,
  expiresAt: 0,
});

/** A deny-list holding `size` revoked sessions, as the feed would after `size` logouts. */
function filled(size: number): { list: DenyList; revoked: string[] } {
  const list = new DenyList(RETENTION_MS);
  const revoked: string[] = [];
  const now = Date.now();
  for (let i = 0; i < size; i += 1) {
    // Flat strings, as the feed gets them from Redis (randomUUID() builds a rope of pieces).
    const id = Buffer.from(randomUUID(), 'latin1').toString('latin1');
    list.revokeSession(id, now);
    if (i % Math.max(1, Math.floor(size / 1000)) === 0) revoked.push(id);
  }
  return { list, revoked };
}

/**
 * The cost of `DenyList.check` on every request: for a live session (the common case: a
 * miss) and for a revoked one. 1000 different users rotate, as requests of many sessions do.
 */
export function denyListLookups(size: number, budgetMs: number): MicroEntry[] {
  const { list, revoked } = filled(size);
  const live = Array.from({ length: 1000 }, () => user(randomUUID()));
  const dead = revoked.map(user);
  let i = 0;
  const miss = rate(() => list.check(live[(i = (i + 1) % live.length)]), budgetMs);
  const hit = rate(() => list.check(dead[(i = (i + 1) % dead.length)]), budgetMs);
  return [
    { name: `deny-list check, ${size.toLocaleString('en-US')} entries, live session`, ...miss },
    { name: `deny-list check, ${size.toLocaleString('en-US')} entries, revoked session`, ...hit },
  ];
}

/** Heap taken by a deny-list of `size` revoked sessions (UUID strings, as decoded from Redis). */
export function denyListMemory(size: number): {
  entries: number;
  bytes: number;
  bytesPerEntry: number;
} {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const { list } = filled(size);
  gc();
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  if (list.size.sessions !== size) throw new Error('deny-list lost entries');
  return { entries: size, bytes, bytesPerEntry: bytes / size };
}
