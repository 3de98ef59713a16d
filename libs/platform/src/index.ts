export { ConfigError, EnvReader } from './config/env-reader';
export { readHttpConfig } from './config/common-config';
export { readGuardConfig } from './config/guard-config';
export { readServiceClient } from './config/service-client-config';
export { readDatabaseUrl, readRedisUrl } from './config/database-config';
export { readRedisConnection } from './config/redis-config';
export type { RedisConnection } from './config/redis-config';
export { createRedisClient } from './config/redis-client';
export type { HttpConfig } from './config/common-config';
export { ApiError, ERROR_CODES, notFound, unavailable } from './http/api-error';
export type { ErrorBody, ErrorCode } from './http/api-error';
export { ApiExceptionFilter, isDependencyUnavailable } from './http/api-exception.filter';
export { createValidationPipe } from './http/validation';
export { ApiAuthenticated, ApiErrors } from './http/api-docs';
export { apiContractProblems, parseApiContract, TOKEN_ERRORS } from './http/api-contract';
export type { ApiContract, ContractRoute, RouteAccess } from './http/api-contract';
export { configureApp, createLogger, runService, REDACTED_FIELDS } from './http/create-app';
export { createFastifyAdapter, PlatformFastifyAdapter } from './http/fastify-adapter';
export { exceedsJsonDepth, MAX_JSON_DEPTH } from './http/json-body';
export type { ServiceDescription } from './http/openapi';
export { currentRequestId, requestIdFrom } from './http/request-context';
export { ServiceLogger } from './http/service-logger';
export {
  buildOpenApiDocument,
  openApiProblems,
  previewOpenApiDocument,
  writeOpenApiDocument,
} from './http/openapi';
export { ReadinessRegistry } from './health/readiness.registry';
export type { CheckResult, CheckStatus, ReadinessCheck } from './health/readiness.registry';
export { MetricsService } from './metrics/metrics.service';
export { PlatformModule } from './platform.module';
export { MeController, TokenIdentityDto } from './http/me.controller';
