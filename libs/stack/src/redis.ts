import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { eventually, StopWaiting } from './wait';

export interface RedisServer {
  url: string;
  port: number;
  /** SIGTERM by default; SIGKILL stands for a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The redis-server on PATH, or undefined (no registry package ships one). */
export function redisServerBinary(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** True when Redis on `port` answers PING with PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('utf8').startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/**
 * A redis-server of its own on 127.0.0.1:`port` with nothing kept on disk, as the machine's
 * (`--save "" --appendonly no`): restarting it empties it. Resolves once it answers PING.
 */
export async function startRedisServer(
  port: number,
  binary = 'redis-server',
): Promise<RedisServer> {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  // Not left behind when the caller ends on an error path.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  let failed: Error | undefined;
  child.once('error', (error) => (failed = error));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    process.off('exit', orphan);
    if (child.exitCode !== null || child.signalCode) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  await eventually(async () => {
    if (failed || child.exitCode !== null) throw new StopWaiting(failed ?? new Error('exited'));
    return pong(port);
  }).catch(async (error: unknown) => {
    await stop();
    throw new Error(`redis-server did not start on port ${port}: ${String(error)}`);
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
