import 'reflect-metadata';
import { ConfigError, runService } from '@hybrid-auth/platform';
import { AppModule } from './app.module';
import { loadOrdersConfig } from './config/orders.config';

async function main(): Promise<void> {
  const config = loadOrdersConfig(process.env);
  await runService(AppModule.register(config), config.http, {
    name: 'orders-service',
    description:
      'Orders of hybrid-auth users, each visible to its owner only, priced by catalog-service.',
    version: '0.1.0',
  });
}

main().catch((error: unknown) => {
  // A configuration problem names the variable; anything else is a start-up failure.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
