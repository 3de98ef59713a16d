import 'reflect-metadata';
import { ConfigError, runService } from '@hybrid-auth/platform';
import { AppModule } from './app.module';
import { SERVICE } from './service';
import { loadBillingConfig } from './config/billing.config';

async function main(): Promise<void> {
  const config = loadBillingConfig(process.env);
  await runService(AppModule.register(config), config.http, SERVICE);
}

main().catch((error: unknown) => {
  // A configuration problem names the variable; anything else is a start-up failure.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
