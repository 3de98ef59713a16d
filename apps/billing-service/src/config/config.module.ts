import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { BILLING_CONFIG } from './billing.config';
import type { BillingConfig } from './billing.config';

/** The validated configuration, available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static register(config: BillingConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: BILLING_CONFIG, useValue: config }],
      exports: [BILLING_CONFIG],
    };
  }
}
