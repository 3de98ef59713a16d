import { Controller, Get, UseGuards } from '@nestjs/common';
import { Backends } from './backends';
import { ArticleHs256Guard } from './hs256-article.guard';
import { Hs256Guard } from './hs256.guard';
import { HybridGuard } from './hybrid.guard';
import { NoopGuard } from './noop.guard';
import { SessionPgGuard } from './session-pg.guard';
import { SessionRedisGuard } from './session-redis.guard';

/** Every route answers the same small JSON; only the guard in front of it differs. */
const answer = () => ({ ok: true });

@Controller('bench')
export class BenchController {
  constructor(private readonly backends: Backends) {}

  /** The ceiling for NestJS on Fastify with the platform's pipeline: no authentication at all. */
  @Get('none')
  none() {
    return answer();
  }

  @Get('noop-guard')
  @UseGuards(NoopGuard)
  noopGuard() {
    return answer();
  }

  @Get('hs256-article')
  @UseGuards(ArticleHs256Guard)
  hs256Article() {
    return answer();
  }

  @Get('hs256')
  @UseGuards(Hs256Guard)
  hs256() {
    return answer();
  }

  @Get('session-pg')
  @UseGuards(SessionPgGuard)
  sessionPg() {
    return answer();
  }

  @Get('session-redis')
  @UseGuards(SessionRedisGuard)
  sessionRedis() {
    return answer();
  }

  /** Ours, as a downstream service registers it: JwtAuthGuard alone (see HybridGuard). */
  @Get('hybrid')
  @UseGuards(HybridGuard)
  hybrid() {
    return answer();
  }

  /** Storage calls made so far, read between runs (never during one). */
  @Get('_stats')
  stats() {
    return { ...this.backends.calls };
  }
}
