import { Client } from 'pg';

export interface DrainLoopOptions {
  databaseUrl: string;
  /** NOTIFY channel on which committed outbox writes wake the loop (in every replica). */
  channel: string;
  /** One drain at least this often, whatever the notifications (a safety net, heartbeats). */
  tickMs: number;
  /**
   * Moves what is due outward; resolves true when it stopped early with more to do. `signal`
   * aborts on stop: a drain waiting on the outside (an SMTP server or webhook endpoint that
   * accepts the connection and then says nothing) gives up, rolls back and leaves the work due.
   */
  drain: (signal: AbortSignal) => Promise<boolean | void>;
}

/**
 * The shape every outbox worker of auth-service shares (revocations to Redis, mail to SMTP):
 * a drain on every committed write (LISTEN/NOTIFY on a connection of its own, reconnected on
 * failure), at least once per tick, never two at a time in this process; requests that arrive
 * while a drain runs are coalesced into one more. One worker across replicas is the drain's
 * own business (an advisory lock), since only it knows its transaction.
 */
export class DrainLoop {
  private listener: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private readonly stopping = new AbortController();
  stopped = false;

  constructor(private readonly options: DrainLoopOptions) {}

  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => this.kick(), this.options.tickMs);
    this.timer.unref();
    this.kick();
  }

  /**
   * Stops the loop: the drain under way is aborted (see `drain`) rather than waited out, so
   * shutdown never waits for an outside server's timeouts (which may exceed the grace period).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort(new Error('shutting down'));
    await this.draining;
    await this.listener?.end().catch(() => undefined);
  }

  /** Requests a drain; coalesces requests that arrive while one runs. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.options
      .drain(this.stopping.signal)
      .then((more) => {
        if (more) this.again = true;
      })
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once everything due so far has been offered outward (tests, shutdown). */
  async flush(): Promise<void> {
    await this.draining;
    this.kick();
    await this.draining;
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.options.databaseUrl,
      connectionTimeoutMillis: 2000,
    });
    let retried = false;
    const retry = () => {
      if (this.stopped || retried) return;
      retried = true;
      setTimeout(() => void this.listen(), 1000).unref();
    };
    client.on('notification', () => this.kick());
    client.on('error', retry);
    client.on('end', retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
      this.listener = client;
    } catch {
      retry();
      await client.end().catch(() => undefined);
    }
  }
}
