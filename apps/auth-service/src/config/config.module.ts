import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CLOCK, systemClock } from '../clock';
import { AUTH_CONFIG } from './auth.config';
import type { AuthConfig } from './auth.config';

/** The validated configuration and the clock, available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
      ],
      exports: [AUTH_CONFIG, CLOCK],
    };
  }
}
