import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AuthGuardModule } from '@hybrid-auth/auth-guard';
import { PlatformModule } from '@hybrid-auth/platform';
import { Backends } from './backends';
import { BenchController } from './bench.controller';
import { ArticleHs256Guard } from './hs256-article.guard';
import { Hs256Guard } from './hs256.guard';
import { HybridGuard } from './hybrid.guard';
import { NoopGuard } from './noop.guard';
import { peersParts } from './peers/peers.module';
import { ProfilerController } from './profiler.controller';
import { SessionPgGuard } from './session-pg.guard';
import { SessionRedisGuard } from './session-redis.guard';
import { STRATEGIES_CONFIG } from './strategies.config';
import type { StrategiesConfig } from './strategies.config';

/**
 * The same modules as a downstream service (PlatformModule, AuthGuardModule from its config),
 * so the routes run through the pipeline our services run: configureApp's filter, validation,
 * security headers, CSRF check and request metrics. Guards are per route, not global, so the
 * unguarded route pays for none of them.
 */
@Module({})
export class StrategiesModule {
  static register(config: StrategiesConfig): DynamicModule {
    const peers = peersParts(config);
    return {
      module: StrategiesModule,
      imports: [PlatformModule, AuthGuardModule.forRoot(config.guard), ...peers.imports],
      controllers: [
        BenchController,
        ...peers.controllers,
        ...(config.profileFile ? [ProfilerController] : []),
      ],
      providers: [
        ...peers.providers,
        { provide: STRATEGIES_CONFIG, useValue: config },
        Backends,
        ArticleHs256Guard,
        Hs256Guard,
        HybridGuard,
        NoopGuard,
        SessionPgGuard,
        SessionRedisGuard,
      ],
    };
  }
}
