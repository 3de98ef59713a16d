import { Global, Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness.registry';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';

/** Health and metrics endpoints every service serves at its root. */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [ReadinessRegistry, MetricsService],
  exports: [ReadinessRegistry, MetricsService],
})
export class PlatformModule {}
