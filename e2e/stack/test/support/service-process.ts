import { NodeProcess, REPO_ROOT, service } from '@hybrid-auth/stack';

export { eventually, freePort, sleep } from '@hybrid-auth/stack';
export const ROOT = REPO_ROOT;

/** One built service of the stack list (apps/<app>/dist/main.js) in its own process. */
export class ServiceProcess extends NodeProcess {
  constructor(
    readonly app: string,
    port: number,
    readonly env: Record<string, string>,
  ) {
    const spec = service(app.replace(/-service$/, ''));
    super({
      name: app,
      script: spec.main,
      port,
      env: { LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    });
  }

  /** Starts the process and waits for /health/ready (or /health/live without `ready`). */
  override start(
    options: { ready?: boolean; health?: string; timeoutMs?: number } = {},
  ): Promise<void> {
    const health = options.health ?? `/health/${options.ready === false ? 'live' : 'ready'}`;
    return super.start({ health, timeoutMs: options.timeoutMs });
  }
}
