import {
  KillOnSignal,
  LogError,
  LogExit,
  LogOutput,
  Logger,
  createConcurrently,
} from 'concurrently';
import type { CloseEvent, Command } from 'concurrently';
import { Subject } from 'rxjs';
import { Backoff, DEFAULT_BACKOFF } from './backoff';
import type { BackoffPolicy } from './backoff';

/**
 * Runs the stack's processes side by side with concurrently (maintained, already used here:
 * prefixed output, signals passed on, whole process trees killed with tree-kill). Its own
 * restart option is not used: it restarts only on a non-zero exit code and its exponential
 * delay never stops growing nor starts over, so a service killed ten times in a day would wait
 * 17 minutes. RestartWithBackoff below is a concurrently flow controller (its public extension
 * point) that restarts any exit, except while stopping, with Docker's capped backoff.
 */

export interface SupervisedCommand {
  name: string;
  /** A shell command line (`exec` keeps the process's pid the one concurrently knows). */
  command: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  prefixColor?: string;
}

export interface Supervision {
  /** Stops every process for good: no more restarts. Resolves once all have exited. */
  stop(): Promise<void>;
  /** Settles once every process has exited for good. */
  finished: Promise<void>;
  commands: Command[];
}

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
        // The later controllers and the result see an exit only once it is final.
        return new Proxy(command, {
          get: (target, prop) => (prop === 'close' ? close : Reflect.get(target, prop)),
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

/**
 * Starts `commands` under supervision: a process that exits is started again after a backoff;
 * SIGINT, SIGTERM or SIGHUP to this process (concurrently's KillOnSignal) or `stop()` ends
 * them all for good.
 */
export function supervise(
  commands: SupervisedCommand[],
  onRestart: (name: string, delayMs: number) => void,
): Supervision {
  const restarts = new RestartWithBackoff((command, delayMs) => onRestart(command.name, delayMs));
  // Registered before KillOnSignal's own listener, so no process is restarted after a signal.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = () => restarts.stop();
  signals.forEach((signal) => process.on(signal, onSignal));
  const logger = new Logger({ prefixFormat: '{name}' });
  const { commands: started, result } = createConcurrently(commands, {
    logger,
    outputStream: process.stdout,
    prefixColors: commands.map((c) => c.prefixColor ?? 'auto'),
    controllers: [
      new LogError({ logger }),
      new LogOutput({ logger }),
      new LogExit({ logger }),
      new KillOnSignal({ process, abortController: new AbortController() }),
      restarts,
    ],
  });
  const finished = result.then(
    () => undefined,
    () => undefined,
  );
  void finished.then(() => signals.forEach((signal) => process.off(signal, onSignal)));
  return {
    commands: started,
    finished,
    stop: async () => {
      restarts.stop();
      started.forEach((command) => command.kill('SIGTERM'));
      await finished;
    },
  };
}
