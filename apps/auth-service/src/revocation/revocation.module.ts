import { Module } from '@nestjs/common';
import { OAuthModule } from '../oauth/oauth.module';
import { TokensModule } from '../tokens/tokens.module';
import { RevocationRelay } from './revocation-relay';
import { RevocationsController } from './revocations.controller';

/**
 * Publishes the outbox to the Redis stream every guard follows, and serves the window to
 * guards whose stream cannot answer.
 */
@Module({
  imports: [TokensModule, OAuthModule],
  controllers: [RevocationsController],
  providers: [RevocationRelay],
  exports: [RevocationRelay],
})
export class RevocationModule {}
