// The gateway as a process: `node libs/stack/dist/gateway/main.js` (npm start runs it).
//
// Environment: GATEWAY_PORT (8080), GATEWAY_HOST (localhost: loopback only; 0.0.0.0 or :: to
// open it to the network), AUTH_UPSTREAM, CATALOG_UPSTREAM, ORDERS_UPSTREAM, BILLING_UPSTREAM
// (host:port, the default ports on 127.0.0.1, as in the nginx template), WEB_ROOT
// (apps/web/public), GATEWAY_BODY_LIMIT (bytes, 1 MiB), GATEWAY_REQUEST_TIMEOUT_MS (time a
// client has to send headers and body, 10 s) and GATEWAY_MAX_CONNECTIONS_PER_IP (64).
import path from 'node:path';
import { REPO_ROOT } from '../repo';
import { GATEWAY } from '../services';
import { gatewayRoutes } from './routes';
import { createGateway } from './server';
import type { GatewayConfig } from './server';

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

export function gatewayConfig(
  env: NodeJS.ProcessEnv,
): GatewayConfig & { port: number; host: string } {
  return {
    port: Number(env.GATEWAY_PORT ?? GATEWAY.port),
    host: env.GATEWAY_HOST || 'localhost',
    webRoot: path.resolve(env.WEB_ROOT ?? path.join(REPO_ROOT, 'apps', 'web', 'public')),
    routes: gatewayRoutes(env),
    bodyLimit: positive(env, 'GATEWAY_BODY_LIMIT', 1024 * 1024),
    requestTimeout: positive(env, 'GATEWAY_REQUEST_TIMEOUT_MS', 10_000),
    maxConnectionsPerIp: positive(env, 'GATEWAY_MAX_CONNECTIONS_PER_IP', 64),
  };
}

async function main(): Promise<void> {
  const config = gatewayConfig(process.env);
  const app = await createGateway(config);
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(
    `gateway listening on http://localhost:${config.port} (page: ${config.webRoot})\n`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(0), 2000).unref();
      void app.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
