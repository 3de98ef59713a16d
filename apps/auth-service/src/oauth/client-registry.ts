import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { parseClients } from './clients';
import type { RegisteredClient } from './clients';

/**
 * The machine clients of AUTH_CLIENTS_FILE, held in memory. The file is read at start (a bad
 * file stops the start) and again when it changes (every AUTH_CLIENTS_RELOAD seconds and on
 * SIGHUP): disabling a client needs no restart. A bad file later keeps the current clients.
 */
@Injectable()
export class ClientRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Clients');
  private clients = new Map<string, RegisteredClient>();
  private version = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly onHangup = () => void this.reload();
  /** Called with the ids of clients that became disabled (or were removed) on a reload. */
  private readonly listeners: ((ids: string[]) => void)[] = [];

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  async onModuleInit(): Promise<void> {
    const { clientsFile, clientsReloadSeconds } = this.config.oauth;
    if (!clientsFile) return;
    await this.reload(true);
    process.on('SIGHUP', this.onHangup);
    if (clientsReloadSeconds > 0) {
      this.timer = setInterval(() => void this.reload(), clientsReloadSeconds * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    process.off('SIGHUP', this.onHangup);
  }

  /** The client, whether enabled or not; undefined when unknown. */
  get(id: string): RegisteredClient | undefined {
    return this.clients.get(id);
  }

  /** True for a registered client that is not disabled. */
  isActive(id: string): boolean {
    const client = this.clients.get(id);
    return client !== undefined && !client.disabled;
  }

  onDisabled(listener: (ids: string[]) => void): void {
    this.listeners.push(listener);
  }

  private async reload(initial = false): Promise<void> {
    const file = this.config.oauth.clientsFile!;
    try {
      const info = await stat(file);
      const version = `${info.mtimeMs}:${info.size}`;
      if (!initial && version === this.version) return;
      const loaded = parseClients(JSON.parse(await readFile(file, 'utf8')), file);
      const next = new Map(loaded.map((client) => [client.id, client]));
      const ended = [...this.clients.values()]
        .filter((old) => !old.disabled && (next.get(old.id)?.disabled ?? true))
        .map((old) => old.id);
      this.clients = next;
      this.version = version;
      this.logger.log({
        msg: 'clients loaded',
        active: loaded.filter((c) => !c.disabled).map((c) => c.id),
        disabled: loaded.filter((c) => c.disabled).map((c) => c.id),
      });
      if (ended.length > 0) for (const listener of this.listeners) listener(ended);
    } catch (error) {
      if (initial) throw error;
      this.logger.error(
        `keeping the current clients: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
