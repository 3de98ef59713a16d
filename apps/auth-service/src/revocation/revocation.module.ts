import { Module } from '@nestjs/common';
import { RevocationRelay } from './revocation-relay';

/** Publishes the outbox to the Redis stream every guard follows. */
@Module({
  providers: [RevocationRelay],
  exports: [RevocationRelay],
})
export class RevocationModule {}
