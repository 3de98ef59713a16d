import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, DECORATORS } from '@nestjs/swagger';
import type { ErrorCode } from './api-error';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'array', items: { type: 'object' } },
  },
};

/**
 * Documents the error answers of a route: `@ApiErrors({ 401: ['missing_token'], 409: ['email_taken'] })`.
 * Each status lists its possible codes, so the OpenAPI document states the contract of docs/api.md.
 * Codes add up: `@ApiAuthenticated()` above `@ApiErrors({ 401: ['invalid_credentials'] })` documents
 * all six 401 codes, where Swagger's own merge would keep only the schema applied last.
 */
export function ApiErrors(
  errors: Partial<Record<number, ErrorCode[]>>,
): MethodDecorator & ClassDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value ?? target) as object;
    const existing = (Reflect.getMetadata(DECORATORS.API_RESPONSE, holder) ?? {}) as Record<
      string,
      { schema?: { properties?: { code?: { enum?: string[] } } } }
    >;
    const kept = { ...existing };
    const answers = Object.entries(errors).map(([status, codes]) => {
      const before = existing[status]?.schema?.properties?.code?.enum ?? [];
      // Dropped first, or Swagger would append the new description to the old one.
      delete kept[status];
      return errorAnswer(Number(status), [...new Set([...before, ...codes!])]);
    });
    Reflect.defineMetadata(DECORATORS.API_RESPONSE, kept, holder);
    return applyDecorators(...answers)(target, key as string | symbol, descriptor as never);
  }) as MethodDecorator & ClassDecorator;
}

function errorAnswer(status: number, codes: string[]) {
  return ApiResponse({
    status,
    description: `\`{ code, message }\` with code ${codes.map((c) => `\`${c}\``).join(' or ')}`,
    schema: {
      ...ERROR_SCHEMA,
      properties: { ...ERROR_SCHEMA.properties, code: { type: 'string', enum: codes } },
    },
  });
}

/** The answers of any route behind the access-token guard. */
export const ApiAuthenticated = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiErrors({
      401: ['missing_token', 'invalid_token', 'token_expired', 'session_revoked', 'token_stale'],
      503: ['unavailable'],
    }),
  );
