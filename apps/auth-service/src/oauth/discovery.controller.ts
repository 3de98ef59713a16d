import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ACCESS_TOKEN_ALG, Public } from '@hybrid-auth/auth-guard';
import type { FastifyReply } from 'fastify';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { GRANT_CLIENT_CREDENTIALS, GRANT_TOKEN_EXCHANGE } from './token-request';

/** The metadata of RFC 8414 §2, with what OpenID discovery adds; built once from the configuration. */
export function discoveryDocument(config: AuthConfig) {
  const { baseUrl, tokenEndpoint } = config.oauth;
  return {
    issuer: config.issuer,
    jwks_uri: `${baseUrl}/.well-known/jwks.json`,
    token_endpoint: tokenEndpoint,
    grant_types_supported: [GRANT_TOKEN_EXCHANGE, GRANT_CLIENT_CREDENTIALS],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [ACCESS_TOKEN_ALG],
    // No authorization endpoint: users sign in through /auth/login, not by redirection.
    response_types_supported: [],
    scopes_supported: ['revocations:read'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [ACCESS_TOKEN_ALG],
    access_token_signing_alg_values_supported: [ACCESS_TOKEN_ALG],
  };
}

/**
 * RFC 8414 and OpenID Connect discovery: where the keys and the token endpoint are, so a
 * service in any language verifies tokens with an ordinary JOSE library.
 */
@ApiTags('keys')
@Public()
@Controller('.well-known')
export class DiscoveryController {
  private readonly document: ReturnType<typeof discoveryDocument>;

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    this.document = discoveryDocument(config);
  }

  @Get('oauth-authorization-server')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ description: 'issuer, jwks_uri, token_endpoint, grants and auth methods' })
  oauth(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(reply);
  }

  @Get('openid-configuration')
  @ApiOperation({ summary: 'The same metadata, where OpenID libraries look for it' })
  @ApiOkResponse({ description: 'issuer, jwks_uri, token_endpoint, grants and auth methods' })
  openid(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(reply);
  }

  private answer(reply: FastifyReply) {
    reply.header('cache-control', `public, max-age=${this.config.jwksMaxAgeSeconds}`);
    return this.document;
  }
}
