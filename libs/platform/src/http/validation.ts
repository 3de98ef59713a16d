import { ValidationPipe } from '@nestjs/common';
import type { ArgumentMetadata, ValidationError } from '@nestjs/common';
import { ApiError } from './api-error';

export interface ValidationDetail {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], parent = ''): ValidationDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Every body, query and param DTO is validated: unknown fields are rejected, types are
 * checked without implicit conversion, and the answer is 400 `validation_failed` with
 * one `details` entry per field. Values are never echoed back (they may be passwords).
 */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new ApiError(400, 'validation_failed', 'Request validation failed', {
        details:
          details.length > 0 ? details : [{ field: '(body)', problems: ['must be a JSON object'] }],
      });
    },
  });
}

/** A request without a body is validated as an empty object: its required fields are reported. */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const body =
      value === undefined && metadata.type === 'body' && metadata.data === undefined ? {} : value;
    return super.transform(body, metadata);
  }
}
