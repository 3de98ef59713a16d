import { Module } from '@nestjs/common';
import { OAuthModule } from '../oauth/oauth.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { ClientRevocations } from './client-revocations';
import { RevocationRelay } from './revocation-relay';
import { RevocationsController } from './revocations.controller';

/**
 * Publishes the outbox to the Redis stream every guard follows, and serves the window to
 * guards whose stream cannot answer.
 */
@Module({
  imports: [TokensModule, OAuthModule, SessionsModule],
  controllers: [RevocationsController],
  providers: [RevocationRelay, ClientRevocations],
  exports: [RevocationRelay],
})
export class RevocationModule {}
