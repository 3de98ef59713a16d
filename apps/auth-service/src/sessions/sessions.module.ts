import { Module } from '@nestjs/common';
import { RevocationOutbox } from '../revocation/revocation-outbox';
import { TokensModule } from '../tokens/tokens.module';
import { RefreshKeyProvider } from './refresh-key.provider';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TokensModule],
  providers: [RefreshKeyProvider, RevocationOutbox, SessionsService],
  exports: [SessionsService, RevocationOutbox],
})
export class SessionsModule {}
