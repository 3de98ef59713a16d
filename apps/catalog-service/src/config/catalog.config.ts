import type { AuthGuardModuleOptions } from '@hybrid-auth/auth-guard';
import { EnvReader, readDatabaseUrl, readGuardConfig, readHttpConfig } from '@hybrid-auth/platform';
import type { HttpConfig } from '@hybrid-auth/platform';

export const CATALOG_CONFIG = Symbol('CATALOG_CONFIG');

export interface CatalogConfig {
  http: HttpConfig;
  /** catalog-service's own PostgreSQL database (created and migrated at start). */
  databaseUrl: string;
  /** AuthGuardModule options: a JWKS URL in production; tests swap in static `keys`. */
  guard: AuthGuardModuleOptions;
}

/** Reads and validates every variable at once; throws a ConfigError naming each bad one. */
export function loadCatalogConfig(env: Record<string, string | undefined>): CatalogConfig {
  const read = new EnvReader(env);
  const guard = readGuardConfig(read, { audience: 'catalog-service' });
  const config: CatalogConfig = {
    http: readHttpConfig(read, 3001),
    databaseUrl: readDatabaseUrl(read),
    guard,
  };
  read.done();
  return config;
}
