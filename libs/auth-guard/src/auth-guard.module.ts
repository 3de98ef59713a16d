import { Module } from '@nestjs/common';
import { AuthGuardLifecycle } from './auth-guard.lifecycle';
import { AuthGuardStatus } from './auth-guard.status';
import { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } from './auth-guard.module-definition';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwksKeySource } from './keys/jwks-key-source';
import { StaticKeySource } from './keys/key-source';
import type { KeySource } from './keys/key-source';
import { normalizeOptions } from './options';
import type { AuthGuardModuleOptions, NormalizedOptions } from './options';
import { RevocationFeed } from './revocation/revocation-feed';
import { RolesGuard } from './roles.guard';
import { AUTH_GUARD_OPTIONS, KEY_SOURCE, REVOCATION_FEED } from './injection-tokens';
import { HybridJwtStrategy } from './verification/hybrid-jwt.strategy';
import { TokenVerifier } from './verification/token-verifier';

function createKeySource(options: NormalizedOptions): KeySource {
  if (options.keySource) return options.keySource;
  if (options.keys) return new StaticKeySource(options.keys);
  return new JwksKeySource({
    url: options.jwksUrl!,
    ...options.jwks,
    clock: options.clock,
  });
}

function createFeed(options: NormalizedOptions, keys: KeySource): RevocationFeed | null {
  if (!options.revocation) return null;
  // News is kept as long as any token it concerns can be alive, with the leeway on both ends.
  const retentionMs = (options.maxTokenLifetimeSeconds + 2 * options.clockLeewaySeconds) * 1000;
  return new RevocationFeed(options.revocation, {
    retentionMs,
    leewayMs: options.clockLeewaySeconds * 1000,
    // auth-service signs the stream with the keys it signs tokens with.
    keys,
    clock: options.clock,
  });
}

/**
 * `AuthGuardModule.forRoot({ issuer, audience, jwksUrl, revocation })` (or `forRootAsync`)
 * once in the root module; then register `JwtAuthGuard` as the APP_GUARD (it enforces
 * `@Public()`, `@Roles()` and `@Strict()`).
 */
@Module({
  providers: [
    {
      provide: AUTH_GUARD_OPTIONS,
      useFactory: (raw: AuthGuardModuleOptions) => normalizeOptions(raw),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    { provide: KEY_SOURCE, useFactory: createKeySource, inject: [AUTH_GUARD_OPTIONS] },
    {
      provide: REVOCATION_FEED,
      useFactory: createFeed,
      inject: [AUTH_GUARD_OPTIONS, KEY_SOURCE],
    },
    {
      provide: HybridJwtStrategy,
      useFactory: (options: NormalizedOptions) => new HybridJwtStrategy(options),
      inject: [AUTH_GUARD_OPTIONS],
    },
    TokenVerifier,
    JwtAuthGuard,
    RolesGuard,
    AuthGuardLifecycle,
    AuthGuardStatus,
  ],
  exports: [JwtAuthGuard, RolesGuard, AuthGuardStatus, TokenVerifier, REVOCATION_FEED],
})
export class AuthGuardModule extends ConfigurableModuleClass {}
