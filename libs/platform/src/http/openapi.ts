import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { writeFileSync } from 'node:fs';
import { ERROR_CODES } from './api-error';

export interface ServiceDescription {
  /** e.g. `auth-service`: used in logs, metrics and the OpenAPI title. */
  name: string;
  description: string;
  version: string;
  /** Exact POST paths that also take `application/x-www-form-urlencoded` (OAuth's token endpoint). */
  formPaths?: readonly string[];
}

/** The OpenAPI document of a running (or previewed) app. */
export function buildOpenApiDocument(
  app: INestApplication,
  service: ServiceDescription,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(service.name)
    .setDescription(service.description)
    .setVersion(service.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Builds the document without starting anything: Nest's preview mode reads the module graph
 * and the controllers' metadata but instantiates no provider (no database, no Redis). Used at
 * build time to write `dist/openapi.json`.
 */
export async function previewOpenApiDocument(
  module: unknown,
  service: ServiceDescription,
): Promise<OpenAPIObject> {
  const app = await NestFactory.create(module as never, new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  try {
    return buildOpenApiDocument(app, service);
  } finally {
    await app.close();
  }
}

export async function writeOpenApiDocument(
  module: unknown,
  service: ServiceDescription,
  file: string,
): Promise<void> {
  const document = await previewOpenApiDocument(module, service);
  const problems = openApiProblems(document);
  if (problems.length > 0)
    throw new Error(`OpenAPI of ${service.name} is incomplete:\n  ${problems.join('\n  ')}`);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

const KNOWN = new Set<string>(ERROR_CODES);

/**
 * What makes a route undocumented: no described success answer, an error answer whose codes
 * are not the contract's, or a protected route that does not document its 401.
 */
export function openApiProblems(document: OpenAPIObject): string[] {
  const problems: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(
      item as Record<string, Record<string, unknown>>,
    )) {
      const where = `${method.toUpperCase()} ${path}`;
      const responses = (operation.responses ?? {}) as Record<
        string,
        { description?: string; content?: unknown }
      >;
      const success = Object.entries(responses).filter(([status]) => /^[23]/.test(status));
      // Documented: a description or a schema (Swagger's own default answer has neither).
      if (!success.some(([, response]) => response.description || response.content)) {
        problems.push(`${where}: no documented success answer`);
      }
      for (const [status, response] of Object.entries(responses)) {
        if (!/^[45]/.test(status)) continue;
        const codes = (
          JSON.stringify(response.content ?? {}).match(/"enum":\[([^\]]*)\]/)?.[1] ?? ''
        )
          .split(',')
          .map((code) => code.replace(/"/g, ''))
          .filter(Boolean);
        if (codes.length === 0) problems.push(`${where}: ${status} names no error code`);
        for (const code of codes)
          if (!KNOWN.has(code)) problems.push(`${where}: ${status} has unknown code ${code}`);
      }
      const secured = Array.isArray(operation.security) && operation.security.length > 0;
      if (secured && !responses['401']) problems.push(`${where}: protected but documents no 401`);
    }
  }
  return problems;
}
