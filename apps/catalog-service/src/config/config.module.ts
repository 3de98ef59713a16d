import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CATALOG_CONFIG } from './catalog.config';
import type { CatalogConfig } from './catalog.config';

/** The validated configuration, available everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static register(config: CatalogConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: CATALOG_CONFIG, useValue: config }],
      exports: [CATALOG_CONFIG],
    };
  }
}
