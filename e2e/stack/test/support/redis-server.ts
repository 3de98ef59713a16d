import { freePort, startRedisServer } from '@hybrid-auth/stack';
import type { RedisServer as Started } from '@hybrid-auth/stack';

/**
 * A private redis-server for one suite, so it can be stopped and restarted (empty, as a
 * Redis without persistence comes back) without touching the machine's shared Redis.
 */
export class RedisServer {
  private started: Started | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.started = await startRedisServer(this.port);
  }

  /** Killed, as a crash would: nothing is flushed or said goodbye. */
  async stop(): Promise<void> {
    await this.started?.stop('SIGKILL');
  }
}
