import { median } from '../util/stats';

/** Where results go so V8 cannot drop a call whose value nobody reads. */
let sink: unknown;
export const consume = () => sink;

export interface Rate {
  opsPerSec: number;
  nsPerOp: number;
}

/**
 * Ops per second of a synchronous operation: a warm-up, then five timed slices of
 * `budgetMs / 5`; the median slice is reported (a GC pause or a neighbour's burst lands in one).
 * The clock is read every 256 calls, so its own cost stays out of sub-microsecond figures.
 */
export function rate(operation: () => unknown, budgetMs: number): Rate {
  slice(operation, budgetMs / 4);
  const slices = Array.from({ length: 5 }, () => slice(operation, budgetMs / 5));
  const opsPerSec = median(slices);
  return { opsPerSec, nsPerOp: 1e9 / opsPerSec };
}

function slice(operation: () => unknown, ms: number): number {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(ms * 1e6));
  let ops = 0;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 256; i += 1) sink = operation();
    ops += 256;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

/** The same for an operation that returns a promise, awaited one at a time. */
export async function rateAsync(
  operation: () => Promise<unknown>,
  budgetMs: number,
): Promise<Rate> {
  await sliceAsync(operation, budgetMs / 4);
  const slices: number[] = [];
  for (let i = 0; i < 5; i += 1) slices.push(await sliceAsync(operation, budgetMs / 5));
  const opsPerSec = median(slices);
  return { opsPerSec, nsPerOp: 1e9 / opsPerSec };
}

async function sliceAsync(operation: () => Promise<unknown>, ms: number): Promise<number> {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(ms * 1e6));
  let ops = 0;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 16; i += 1) sink = await operation();
    ops += 16;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}
