export {
  AUTH,
  BILLING,
  CATALOG,
  GATEWAY,
  MAIL_CATCHER,
  MAIL_CATCHER_SMTP_PORT,
  ORDERS,
  SERVICES,
  STACK_PROCESSES,
  runProcesses,
  service,
} from './services';
export type { Route, StackProcess, StackUrls } from './services';
export { loopbackUrls, portOf, processEnv, withDatabase } from './environment';
export type { ProcessEnvOptions } from './environment';
export { ensureIdentity, identityEnv } from './identity';
export type { StackIdentity } from './identity';
export { freePort, freePortFrom, portFree } from './ports';
export { StopWaiting, answers, eventually, sleep } from './wait';
export { NodeProcess, startRetryingMissingModules } from './processes/node-process';
export type { NodeProcessOptions } from './processes/node-process';
export { redisServerBinary, startRedisServer } from './redis';
export type { RedisServer } from './redis';
export { EMBEDDED_POSTGRES_CLI } from './postgres/cli-path';
export { rootDataDir } from './postgres/embedded';
export { PAGE_PATHS, gatewayRoutes, nginxLocations, routeFor } from './gateway/routes';
export type { GatewayRoute } from './gateway/routes';
export { REPO_ROOT } from './repo';
export { StartError } from './failure';
