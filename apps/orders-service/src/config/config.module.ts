import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ORDERS_CONFIG } from './orders.config';
import type { OrdersConfig } from './orders.config';

/** The validated configuration, available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static register(config: OrdersConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: ORDERS_CONFIG, useValue: config }],
      exports: [ORDERS_CONFIG],
    };
  }
}
