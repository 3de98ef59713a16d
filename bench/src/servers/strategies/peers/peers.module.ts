import { JwtModule } from '@nestjs/jwt';
import type { StrategiesConfig } from '../strategies.config';
import {
  BETTER_AUTH_PEERS,
  BetterAuthCookieCacheGuard,
  BetterAuthDatabaseGuard,
} from './better-auth.guard';
import { JwksRs256Guard, JwksRs256Strategy } from './jwks.strategy';
import { NestJwtDocsGuard } from './nest-jwt.guard';
import { PeersController } from './peers.controller';

/**
 * What the strategies module adds for the peers, spread into its own definition so the peers'
 * guards can use its providers (the configuration, the storage-call counters). JwtModule is
 * registered with the secret, as the NestJS documentation registers it.
 */
export function peersParts(config: StrategiesConfig) {
  if (!config.peers) return { imports: [], controllers: [], providers: [] };
  return {
    imports: [JwtModule.register({ secret: config.hs256Secret })],
    controllers: [PeersController],
    providers: [
      NestJwtDocsGuard,
      JwksRs256Strategy,
      JwksRs256Guard,
      BETTER_AUTH_PEERS,
      BetterAuthDatabaseGuard,
      BetterAuthCookieCacheGuard,
    ],
  };
}
