import { Logger } from '@nestjs/common';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { HttpConfig } from '../config/common-config';
import { MetricsService } from '../metrics/metrics.service';
import { ApiExceptionFilter } from './api-exception.filter';
import { drainConnections, installDrainGuard } from './drain';
import { createFastifyAdapter } from './fastify-adapter';
import { installJsonBodyParser } from './json-body';
import { installJsonOnly } from './json-only';
import { buildOpenApiDocument } from './openapi';
import type { ServiceDescription } from './openapi';
import { installRequestContext } from './request-context';
import { ServiceLogger } from './service-logger';
import { createValidationPipe } from './validation';

/** Field names whose values never reach a log line, at any depth. */
export const REDACTED_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'refreshToken',
  'accessToken',
  'authorization',
  'cookie',
  'set-cookie',
  'privateKey',
  'd',
];

const LEVELS: Record<HttpConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

export function createLogger(http: Pick<HttpConfig, 'logFormat' | 'logLevel'>, name: string) {
  return new ServiceLogger(name, {
    json: http.logFormat === 'json',
    colors: http.logFormat === 'pretty' && process.stdout.isTTY,
    prefix: name,
    logLevels: LEVELS[http.logLevel],
    redact: REDACTED_FIELDS,
  });
}

/**
 * Applies the conventions every service shares: the error envelope, validation (JSON
 * bodies of bounded depth), security headers, CSRF protection for browsers, request metrics and OpenAPI at /docs.
 * Used by `main.ts` and by e2e tests, so tests exercise the same pipeline as production.
 */
export function configureApp(
  app: NestFastifyApplication,
  http: HttpConfig,
  service: ServiceDescription,
): void {
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  installJsonBodyParser(app, http.bodyLimitBytes);
  app.useSecurityHeaders({
    // Served over plain http in development: upgrading subresources would break /docs there;
    // HSTS for browsers comes from the gateway (deploy/nginx/gateway.conf.template).
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  app.enableCsrfProtection({ trustedOrigins: http.trustedOrigins });
  installRequestContext(app.getHttpAdapter().getInstance());
  installJsonOnly(app.getHttpAdapter().getInstance(), service.formPaths);
  installDrainGuard(app.getHttpAdapter().getInstance());
  installRequestMetrics(app);
  setupDocs(app, service);
}

function installRequestMetrics(app: NestFastifyApplication): void {
  const histogram = app.get(MetricsService).httpRequests;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern, never the raw URL, keeps label cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    histogram.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

function setupDocs(app: NestFastifyApplication, service: ServiceDescription): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, service), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
}

/**
 * Starts a service: creates the app on Fastify, applies the shared conventions, listens,
 * and on SIGTERM/SIGINT drains: readiness fails, the listener closes, requests in flight
 * (and late ones on busy connections) are answered with `Connection: close`; once no
 * connection is left, the application's shutdown hooks run (workers, PostgreSQL, Redis) and
 * the process exits 0. Past `shutdownGraceMs` a watchdog exits 1 whatever is still running.
 */
export async function runService(
  module: unknown,
  http: HttpConfig,
  service: ServiceDescription,
): Promise<NestFastifyApplication> {
  const logger = createLogger(http, service.name);
  const app = await NestFactory.create<NestFastifyApplication>(
    module as never,
    createFastifyAdapter(http),
    { logger },
  );
  configureApp(app, http, service);
  await app.listen({ port: http.port, host: http.host });
  const log = new Logger('Bootstrap');
  log.log(`${service.name} listening on http://${http.host}:${http.port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.log(`${signal} received: draining requests and closing connections`);
    const watchdog = setTimeout(() => {
      log.error(`shutdown took longer than ${http.shutdownGraceMs} ms; exiting`);
      process.exit(1);
    }, http.shutdownGraceMs);
    watchdog.unref();
    // HTTP first, while everything a request needs is still up: Nest's close() runs the
    // modules' destroy hooks (key fetching, the revocation feed) before it closes the server.
    drainConnections(app.getHttpAdapter().getInstance())
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return app;
}
