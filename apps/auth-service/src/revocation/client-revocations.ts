import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { ClientRegistry } from '../oauth/client-registry';
import { RevocationOutbox } from './revocation-outbox';

/**
 * A client disabled (or removed) in AUTH_CLIENTS_FILE is pushed like a revocation: an outbox
 * event the relay publishes, after which every guard refuses the tokens the client exchanged
 * (`act.sub`). auth-service itself refuses the client at once (ClientRegistry). Each replica
 * that notices the change writes the event; guards apply a repeat harmlessly.
 */
@Injectable()
export class ClientRevocations implements OnModuleInit {
  private readonly logger = new Logger('ClientRevocations');

  constructor(
    private readonly clients: ClientRegistry,
    private readonly outbox: RevocationOutbox,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.clients.onDisabled((ids) => void this.publish(ids));
  }

  async publish(ids: string[]): Promise<void> {
    try {
      await this.outbox.clientsDisabled(this.dataSource.manager, ids, this.clock.now());
      this.logger.log({ msg: 'clients disabled, pushed to the guards', clients: ids });
    } catch (error) {
      // Their exchanged tokens still expire within AUTH_EXCHANGE_TOKEN_TTL (60 s at most).
      this.logger.error(`could not record disabled clients ${ids.join(', ')}: ${String(error)}`);
    }
  }
}
