import { Module } from '@nestjs/common';
import { MailOutbox } from './mail-outbox';
import { MailRelay } from './mail-relay';
import { MailTransport } from './mail-transport';

/** The mail outbox, and the relay that sends it by SMTP. */
@Module({
  providers: [MailOutbox, MailTransport, MailRelay],
  exports: [MailOutbox, MailRelay],
})
export class MailModule {}
