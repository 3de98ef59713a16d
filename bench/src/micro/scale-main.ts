import 'reflect-metadata';
import type { ScaleMemory } from '../report/results-scale';
import { boundBehaviour, checkUserShape, tokenCacheFill } from './scale-cache';
import { denyListAt, denyListSteadyState } from './scale-deny';

/** What the parent asks for (one JSON argument). */
export interface ScaleMicroArgs {
  budgetMs: number;
  /** The guard's default cacheSize, and the large size (the bound raised to it). */
  cacheBound: number;
  cacheLarge: number;
  denyLarge: number;
  revocationsPerSec: number;
}

/**
 * The guard's bounded structures at scale, in a process of its own
 * (`node --expose-gc --max-old-space-size=... micro/scale-main.js '<json>'`): one structure in
 * the heap at a time, measured after GC. Prints a ScaleMemory as JSON on stdout.
 */
async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as ScaleMicroArgs;
  await checkUserShape();
  const tokenCache = [];
  for (const size of [args.cacheBound, args.cacheLarge]) {
    tokenCache.push(await tokenCacheFill(size, size, args.budgetMs));
  }
  const bound = [await boundBehaviour(args.cacheBound)];
  const denyList = [denyListAt(args.denyLarge, args.budgetMs)];
  const steadyState = denyListSteadyState(args.revocationsPerSec);
  const result: ScaleMemory = { tokenCache, bound, denyList, steadyState };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
