import { Global, Module } from '@nestjs/common';
import { WebhookRelay } from '../webhooks/webhook-relay';
import { AuthEvents } from './auth-events.service';
import { EventQuery } from './event-query';
import { EventsRetention } from './events-retention';
import { OwnEventsController } from './own-events.controller';

/** The audit trail (written by every flow, hence global), its retention and its webhooks. */
@Global()
@Module({
  controllers: [OwnEventsController],
  providers: [AuthEvents, EventQuery, EventsRetention, WebhookRelay],
  exports: [AuthEvents, EventQuery, EventsRetention, WebhookRelay],
})
export class EventsModule {}
