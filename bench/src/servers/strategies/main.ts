import 'reflect-metadata';
import { ConfigError, runService } from '@hybrid-auth/platform';
import { loadStrategiesConfig } from './strategies.config';
import { StrategiesModule } from './strategies.module';

/** The strategies server: one NestJS app on Fastify, one route per authentication strategy. */
async function main(): Promise<void> {
  const config = loadStrategiesConfig(process.env);
  await runService(StrategiesModule.register(config), config.http, {
    name: 'bench-strategies',
    description: 'Identical routes behind each authentication strategy.',
    version: '0.1.0',
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
