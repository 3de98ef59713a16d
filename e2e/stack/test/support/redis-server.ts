import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, eventually, freePort } from './service-process';

/** Users of deploy/redis/start.sh (the compose Redis): their passwords and what they guard. */
export interface RedisAcl {
  authPassword: string;
  guardPassword: string;
  ordersPassword: string;
  prefix?: string;
  stream?: string;
}

/**
 * A private redis-server for one suite, so it can be stopped and restarted (empty, as a
 * Redis without persistence comes back) without touching the machine's shared Redis. With
 * `acl`, it is started by the compose file's own script, with its users.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'redis-acl-'));

  private constructor(
    readonly port: number,
    private readonly acl?: RedisAcl,
  ) {}

  static async start(acl?: RedisAcl): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), acl);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A URL with a user's credentials, as the services get it in REDIS_URL. */
  urlFor(user: string, password: string): string {
    return `redis://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    const child = this.acl
      ? spawn('sh', [path.join(ROOT, 'deploy/redis/start.sh'), ...args], {
          stdio: 'ignore',
          env: {
            PATH: process.env.PATH ?? '',
            REDIS_AUTH_PASSWORD: this.acl.authPassword,
            REDIS_GUARD_PASSWORD: this.acl.guardPassword,
            REDIS_ORDERS_PASSWORD: this.acl.ordersPassword,
            REDIS_ACL_FILE: path.join(this.dir, 'users.acl'),
            ...(this.acl.prefix ? { AUTH_REDIS_PREFIX: this.acl.prefix } : {}),
            ...(this.acl.stream ? { AUTH_REVOCATION_STREAM: this.acl.stream } : {}),
          },
        })
      : spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const auth = this.acl
      ? ['--user', 'guard', '--pass', this.acl.guardPassword, '--no-auth-warning']
      : [];
    await eventually(() => {
      if (child.exitCode !== null) throw new Error('redis-server exited');
      try {
        const answer = execFileSync('redis-cli', ['-p', String(this.port), ...auth, 'ping'], {
          encoding: 'utf8',
        });
        return answer.trim() === 'PONG';
      } catch {
        return false;
      }
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the server and removes its ACL file. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
