import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@hybrid-auth/platform';
import { DataSource } from 'typeorm';

/** Ready when PostgreSQL answers: without it no product can be read or written. */
@Injectable()
export class DatabaseReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register('database', async () => {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok' };
    });
  }
}
