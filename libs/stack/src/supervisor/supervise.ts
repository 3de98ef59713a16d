import {
  KillOnSignal,
  LogError,
  LogExit,
  LogOutput,
  Logger,
  createConcurrently,
} from 'concurrently';
import type { Command } from 'concurrently';
import { RestartWithBackoff } from './restart-with-backoff';

/**
 * Runs the stack's processes side by side with concurrently (maintained, already used here:
 * prefixed output, signals passed on, whole process trees killed with tree-kill). Its own
 * restart option is not used: it restarts only on a non-zero exit code and its exponential
 * delay never stops growing nor starts over, so a service killed ten times in a day would wait
 * 17 minutes. RestartWithBackoff (restart-with-backoff.ts) is a concurrently flow controller (its public extension
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
