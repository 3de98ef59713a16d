import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { STRATEGIES_CONFIG } from './strategies.config';
import type { StrategiesConfig } from './strategies.config';

/**
 * Starts and stops V8's sampling profiler around exactly one load run, so start-up and
 * warm-up stay out of the profile (unlike `node --cpu-prof`, which records the whole life).
 * Mounted only when BENCH_PROFILE_FILE is set, on a server that is not the measured one.
 */
@Controller('bench/_profile')
export class ProfilerController {
  private readonly session = new Session();

  constructor(@Inject(STRATEGIES_CONFIG) private readonly config: StrategiesConfig) {
    this.session.connect();
  }

  @Post('start')
  @HttpCode(204)
  async start(): Promise<void> {
    await this.session.post('Profiler.enable');
    // 250 µs: fine enough to see a ~10 µs guard among thousands of samples, coarse enough to stay cheap.
    await this.session.post('Profiler.setSamplingInterval', { interval: 250 });
    await this.session.post('Profiler.start');
  }

  @Post('stop')
  async stop(): Promise<{ file: string }> {
    const { profile } = await this.session.post('Profiler.stop');
    const file = this.config.profileFile!;
    await writeFile(file, JSON.stringify(profile));
    return { file };
  }
}
