import type autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';

interface TokenResponse {
  accessToken: string;
  refreshToken: string;
}

/**
 * The refresh tokens the load may present, each exactly once: a request takes one from the
 * queue and its 200 answer puts the rotated one back. Presenting a spent token would be
 * reuse (and end the session), so a token whose answer never came (the run ended, a
 * timeout) is dropped with its session. Needs more sessions than connections.
 */
export class RefreshChains {
  private readonly queue: string[];

  constructor(
    private readonly authUrl: string,
    refreshTokens: string[],
  ) {
    this.queue = [...refreshTokens];
  }

  /** An autocannon request that rotates one chain per request. */
  request(): autocannon.Request {
    return {
      method: 'POST',
      path: '/auth/refresh',
      setupRequest: (request) => {
        // An exhausted queue sends a malformed token: counted as a non-2xx, never a reuse.
        const token = this.queue.shift() ?? 'exhausted';
        return { ...request, body: JSON.stringify({ refreshToken: token }) };
      },
      onResponse: (status, body) => {
        if (status === 200) this.queue.push((JSON.parse(body) as TokenResponse).refreshToken);
      },
    };
  }

  /** One rotation outside autocannon (the mixed workload); resolves with its latency. */
  async rotateOnce(): Promise<{ ms: number; ok: boolean; accessToken?: string }> {
    const token = this.queue.shift();
    if (token === undefined) return { ms: Number.NaN, ok: false };
    const started = performance.now();
    try {
      const response = await fetch(`${this.authUrl}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: token }),
      });
      const text = await response.text();
      const elapsed = performance.now() - started;
      if (response.status !== 200) return { ms: elapsed, ok: false };
      const answer = JSON.parse(text) as TokenResponse;
      this.queue.push(answer.refreshToken);
      return { ms: elapsed, ok: true, accessToken: answer.accessToken };
    } catch {
      return { ms: performance.now() - started, ok: false };
    }
  }
}
