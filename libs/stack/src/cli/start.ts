// `npm start` (after the build): runs every process of the stack list (the services, the
// gateway, and a mail catcher unless SMTP_URL is set) on their default ports under a
// supervisor: one that stops is started again with a backoff while the others keep serving; only Ctrl-C (SIGINT, SIGTERM, SIGHUP) stops them all,
// and everything this run started with them (an embedded PostgreSQL, a local redis-server).
// Uses DATABASE_URL / REDIS_URL when given; see infra.ts otherwise. The services listen on
// 127.0.0.1 only; so does the gateway unless GATEWAY_HOST asks for more.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StartError, oneLine } from '../failure';
import { freePortFrom, portFree } from '../ports';
import { REPO_ROOT } from '../repo';
import { GATEWAY, MAIL_CATCHER, runProcesses } from '../services';
import type { StackProcess, StackUrls } from '../services';
import { supervise } from '../supervisor/supervise';
import { answers, eventually } from '../wait';
import { NO_REDIS, printBanner } from './banner';
import { startInfra } from './infra';
import type { Infra } from './infra';
import { mailCatcherPorts, runEnvironments, runUrls } from './run-env';
import { loud, say } from './say';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const COLORS = ['cyan', 'green', 'magenta', 'yellow', 'blue', 'red', 'white'];

/** Until the supervisor takes the signals over, a Ctrl-C stops what was started so far. */
class Startup {
  interrupted = false;
  infra: Infra | undefined;
  private readonly onSignal = () => (this.interrupted = true);

  constructor() {
    SIGNALS.forEach((signal) => process.on(signal, this.onSignal));
  }

  async stopIfInterrupted(): Promise<void> {
    if (!this.interrupted) return;
    await this.infra?.stop();
    say('Stopped.');
    process.exit(130);
  }

  handOver(): void {
    SIGNALS.forEach((signal) => process.off(signal, this.onSignal));
  }
}

function checkBuilt(processes: readonly StackProcess[]): void {
  const missing = processes.filter((p) => !existsSync(path.join(REPO_ROOT, p.main)));
  const notInstalled = missing.find((p) => p.install);
  if (notInstalled) throw new StartError(notInstalled.install!);
  if (missing.length > 0) {
    throw new StartError(
      `${missing.map((p) => p.main).join(', ')} not built: run npm ci, then npm start (it builds first)`,
    );
  }
}

/** The fixed ports of this run (the gateway's steps aside instead), each free or a clear error. */
async function checkPorts(processes: readonly StackProcess[], env: NodeJS.ProcessEnv) {
  const mail = mailCatcherPorts(env);
  const fixed = processes
    .filter((p) => p !== GATEWAY)
    .flatMap((p) =>
      p === MAIL_CATCHER
        ? [
            { port: mail.web, what: `${p.title}, MAIL_CATCHER_PORT or SMTP_URL` },
            { port: mail.smtp, what: `${p.title} SMTP, MAIL_CATCHER_SMTP_PORT or SMTP_URL` },
          ]
        : [{ port: p.port, what: p.title }],
    );
  for (const { port, what } of fixed) {
    if (!(await portFree(port))) {
      throw new StartError(
        `port ${port} (${what}) is already in use: stop what listens there (another npm start?) and run it again`,
      );
    }
  }
}

/** `exec` with each word single-quoted: the process keeps the pid concurrently knows. */
const shellCommand = (words: string[]) =>
  `exec ${words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ')}`;

/** An explicit GATEWAY_PORT is kept (and fails loudly when taken); the default moves aside. */
async function gatewayPort(env: NodeJS.ProcessEnv): Promise<number> {
  if (env.GATEWAY_PORT) return Number(env.GATEWAY_PORT);
  return freePortFrom(GATEWAY.port);
}

function announceWhenReady(processes: StackProcess[], urls: StackUrls, infra: Infra): void {
  const ready = (name: string, health: string) =>
    eventually(() => answers(`${urls[name]}${health}`), 90_000, 250).then(
      () => true,
      () => false,
    );
  void Promise.all(processes.map((p) => ready(p.name, p.health))).then((up) => {
    const late = processes.filter((_, i) => !up[i]).map((p) => p.title);
    if (late.length > 0) loud(`not ready after 90 s: ${late.join(', ')}; see their lines above`);
    else printBanner(urls, infra);
  });
}

/** What this run started, stopped on a fatal error too. */
let startup: Startup | undefined;

async function main(): Promise<void> {
  startup = new Startup();
  const processes = runProcesses(process.env);
  checkBuilt(processes);
  await checkPorts(processes, process.env);
  startup.infra = await startInfra(process.env);
  const infra = startup.infra;
  await startup.stopIfInterrupted();
  if (!infra.redisUrl) loud(NO_REDIS);
  const urls = runUrls(processes, await gatewayPort(process.env), process.env);
  const environments = runEnvironments(processes, urls, infra, process.env);
  startup.handOver();
  const supervision = supervise(
    processes.map((p, i) => ({
      name: p.name,
      command: shellCommand([process.execPath, p.main, ...(p.args?.(urls) ?? [])]),
      env: environments.get(p)!,
      cwd: REPO_ROOT,
      prefixColor: COLORS[i % COLORS.length],
    })),
    (name, delayMs) => loud(`${name} stopped: starting it again in ${delayMs} ms`),
  );
  announceWhenReady(processes, urls, infra);
  await supervision.finished;
  await infra.stop();
  say('Stopped.');
  process.exit(0);
}

// Whatever fails, the person running it gets one line saying what to do, not a stack trace
// (DEBUG=stack shows it); a library's unhandled 'error' event lands here too.
const fatal = async (error: unknown) => {
  process.stderr.write(`npm start failed: ${oneLine(error)}\n`);
  if (process.env.DEBUG === 'stack') process.stderr.write(`${String((error as Error)?.stack)}\n`);
  await startup?.infra?.stop().catch(() => undefined);
  process.exit(1);
};
process.on('uncaughtException', fatal);
main().catch(fatal);
