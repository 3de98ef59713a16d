import type { CloseEvent, Command } from 'concurrently';
import { Subject } from 'rxjs';
import { Backoff, DEFAULT_BACKOFF } from './backoff';
import type { BackoffPolicy } from './backoff';

/**
 * A concurrently flow controller that starts again any command that exits, after a backoff
 * (see backoff.ts), until `stop()`: then each exit is final and passed on to the result.
 */
export class RestartWithBackoff {
  private stopping = false;
  private readonly pending = new Map<Command, { timer: NodeJS.Timeout; event: CloseEvent }>();
  private readonly closes = new Map<Command, Subject<CloseEvent>>();

  constructor(
    private readonly onRestart: (command: Command, delayMs: number) => void,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
  ) {}

  handle(commands: Command[]) {
    return {
      commands: commands.map((command) => {
        const backoff = new Backoff(this.policy);
        const close = new Subject<CloseEvent>();
        this.closes.set(command, close);
        command.stateChange.subscribe((state) => state === 'started' && backoff.started());
        command.close.subscribe((event) => {
          if (this.stopping) return close.next(event);
          const delayMs = backoff.nextDelay();
          this.onRestart(command, delayMs);
          const timer = setTimeout(() => {
            this.pending.delete(command);
            command.start();
          }, delayMs);
          this.pending.set(command, { timer, event });
        });
        // The later controllers and the result see an exit only once it is final. Methods run
        // on the command itself: concurrently starts the proxy, and start() must report to the
        // command's own close subject (the one watched above), not to this one.
        return new Proxy(command, {
          get: (target, prop) => {
            if (prop === 'close') return close;
            const value: unknown = Reflect.get(target, prop);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      }),
      onFinish: () => this.pending.forEach(({ timer }) => clearTimeout(timer)),
    };
  }

  /** No more restarts; a process waiting for one counts as exited now. */
  stop(): void {
    this.stopping = true;
    for (const [command, { timer, event }] of this.pending) {
      clearTimeout(timer);
      this.closes.get(command)?.next(event);
    }
    this.pending.clear();
  }
}
