export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds; a liveness bound, never a performance claim. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      // A check that throws a StopWaiting gives up at once; anything else means "not yet".
      if (error instanceof StopWaiting) throw error.cause;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Thrown by an `eventually` check to stop waiting with `cause` (the process exited, say). */
export class StopWaiting extends Error {
  constructor(cause: unknown) {
    super('stopped waiting', { cause });
  }
}

/** True when `url` answers 2xx within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(1000),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
