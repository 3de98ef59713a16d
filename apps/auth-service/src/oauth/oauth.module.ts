import { Module } from '@nestjs/common';
import { RateLimiter } from '../auth/rate-limiter';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { AssertionReplay } from './assertion-replay';
import { ClientAuthenticator } from './client-authenticator';
import { ClientRegistry } from './client-registry';
import { DiscoveryController } from './discovery.controller';
import { MachineTokens } from './machine-tokens';
import { ServiceTokenIssuer } from './service-token-issuer';
import { SubjectTokens } from './subject-token';
import { TokenController } from './token.controller';

/** Service identity: the token endpoint, its clients, and the discovery documents. */
@Module({
  imports: [TokensModule, SessionsModule],
  controllers: [TokenController, DiscoveryController],
  providers: [
    RateLimiter,
    AssertionReplay,
    ClientRegistry,
    ClientAuthenticator,
    SubjectTokens,
    ServiceTokenIssuer,
    MachineTokens,
  ],
  exports: [ClientRegistry, MachineTokens],
})
export class OAuthModule {}
