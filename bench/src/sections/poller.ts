import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** GET with one kept-alive connection per target: a poll costs a round trip, nothing more. */
export class Poller {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    readonly name: string,
    private readonly url: string,
  ) {}

  get(token: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.get(
        this.url,
        { agent: this.agent, headers: { authorization: `Bearer ${token}` } },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
    });
  }

  /**
   * Polls as fast as one connection allows until a 401 comes back; resolves with the
   * performance.now() at which it arrived, or NaN after `timeoutMs`.
   */
  async firstRefusal(token: string, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const status = await this.get(token);
      if (status === 401) return performance.now();
    }
    return Number.NaN;
  }

  close(): void {
    this.agent.destroy();
  }
}
