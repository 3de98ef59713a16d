import 'reflect-metadata';
import { ConfigError, runService } from '@hybrid-auth/platform';
import { AppModule } from './app.module';
import { loadBillingConfig } from './config/billing.config';

async function main(): Promise<void> {
  const config = loadBillingConfig(process.env);
  await runService(AppModule.register(config), config.http, {
    name: 'billing-service',
    description:
      'Billing summaries of hybrid-auth users; strict: refuses while revocation news may be stale.',
    version: '0.1.0',
  });
}

main().catch((error: unknown) => {
  // A configuration problem names the variable; anything else is a start-up failure.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
