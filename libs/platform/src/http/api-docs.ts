import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
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
 * Each status lists its possible codes, so the OpenAPI document states the contract of API.md.
 */
export function ApiErrors(
  errors: Partial<Record<number, ErrorCode[]>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `\`{ code, message }\` with code ${codes!.map((c) => `\`${c}\``).join(' or ')}`,
        schema: {
          ...ERROR_SCHEMA,
          properties: { ...ERROR_SCHEMA.properties, code: { type: 'string', enum: codes } },
        },
      }),
    ),
  );
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
