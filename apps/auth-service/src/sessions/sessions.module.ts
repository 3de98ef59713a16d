import { Module } from '@nestjs/common';
import { RevocationOutbox } from '../revocation/revocation-outbox';
import { TokensModule } from '../tokens/tokens.module';
import { RefreshKeyProvider } from './refresh-key.provider';
import { SessionRotationService } from './session-rotation.service';
import { SessionStepUpService } from './session-step-up.service';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TokensModule],
  providers: [
    RefreshKeyProvider,
    RevocationOutbox,
    SessionsService,
    SessionRotationService,
    SessionStepUpService,
  ],
  exports: [SessionsService, SessionRotationService, SessionStepUpService, RevocationOutbox],
})
export class SessionsModule {}
