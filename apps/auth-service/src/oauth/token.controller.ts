import { Body, Controller, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@hybrid-auth/auth-guard';
import { ApiErrors } from '@hybrid-auth/platform';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { clientInfo } from '../auth/client-info';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AuthEvents } from '../events/auth-events.service';
import { ClientAuthenticator } from './client-authenticator';
import type { Grant, RegisteredClient } from './clients';
import { oauthError } from './oauth-errors';
import { ServiceTokenIssuer } from './service-token-issuer';
import type { IssuedServiceToken } from './service-token-issuer';
import { SubjectTokens } from './subject-token';
import {
  ACCESS_TOKEN_TYPE,
  GRANT_CLIENT_CREDENTIALS,
  GRANT_TOKEN_EXCHANGE,
  readTokenParams,
  required,
} from './token-request';
import type { TokenParams } from './token-request';

class ServiceTokenResponseDto {
  @ApiProperty() access_token!: string;
  @ApiProperty({ example: ACCESS_TOKEN_TYPE }) issued_token_type!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: string;
  @ApiProperty({ description: 'Seconds until it expires' }) expires_in!: number;
  @ApiProperty({ required: false, description: 'client_credentials: the granted scopes' })
  scope?: string;
}

const GRANTS: Record<string, Grant> = {
  [GRANT_TOKEN_EXCHANGE]: 'token_exchange',
  [GRANT_CLIENT_CREDENTIALS]: 'client_credentials',
};

/** The OAuth token endpoint for services (docs/service-identity.md). */
@ApiTags('oauth')
@Public()
@Controller('auth/token')
export class TokenController {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly clients: ClientAuthenticator,
    private readonly subjects: SubjectTokens,
    private readonly issuer: ServiceTokenIssuer,
    private readonly events: AuthEvents,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @Header('pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary: 'Token exchange (RFC 8693) and client credentials, private_key_jwt (RFC 7523)',
  })
  @ApiOkResponse({ type: ServiceTokenResponseDto })
  @ApiErrors({
    400: [
      'invalid_request',
      'invalid_grant',
      'invalid_target',
      'unauthorized_client',
      'unsupported_grant_type',
    ],
    401: ['invalid_client'],
    429: ['rate_limited'],
    503: ['unavailable'],
  })
  async token(@Body() body: unknown, @Req() request: FastifyRequest) {
    const params = readTokenParams(body ?? {});
    const client = await this.clients.authenticate(
      {
        clientAssertionType: params.client_assertion_type,
        clientAssertion: params.client_assertion,
        clientId: params.client_id,
      },
      clientInfo(request).ip,
    );
    const grantType = required(params, 'grant_type');
    const grant = GRANTS[grantType];
    if (!grant)
      throw oauthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
    if (!client.grants.includes(grant)) {
      throw oauthError('unauthorized_client', `This client may not use ${grantType}`);
    }
    const issued =
      grant === 'token_exchange'
        ? await this.exchange(client, params)
        : await this.clientCredentials(client, params);
    return {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ...(issued.scope !== undefined ? { scope: issued.scope } : {}),
    };
  }

  private async exchange(
    client: RegisteredClient,
    params: TokenParams,
  ): Promise<IssuedServiceToken> {
    if (params.actor_token !== undefined || params.actor_token_type !== undefined) {
      // The actor is always the authenticated client: nobody may name another one.
      throw oauthError('invalid_request', 'actor_token is not supported: the client is the actor');
    }
    if (params.resource !== undefined) {
      throw oauthError('invalid_target', 'Name the service with audience, not resource');
    }
    const subjectToken = required(params, 'subject_token');
    if (required(params, 'subject_token_type') !== ACCESS_TOKEN_TYPE) {
      throw oauthError('invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    const wanted = params.requested_token_type;
    if (wanted !== undefined && wanted !== ACCESS_TOKEN_TYPE) {
      throw oauthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    const audience = required(params, 'audience');
    // auth-service never takes an exchanged token: its admin routes need a user's own sign-in.
    if (audience === this.config.ownAudience || !client.audiences.includes(audience)) {
      throw oauthError('invalid_target', `This client may not ask for a token for ${audience}`);
    }
    const subject = await this.subjects.verify(subjectToken, client.id);
    const issued = this.issuer.exchange(subject, client, audience);
    await this.issued(client, 'token_exchange', { audience }, subject.sub, subject.sid);
    return issued;
  }

  private async clientCredentials(
    client: RegisteredClient,
    params: TokenParams,
  ): Promise<IssuedServiceToken> {
    if (params.audience !== undefined || params.resource !== undefined) {
      throw oauthError('invalid_target', 'A client-credentials token has its registered audiences');
    }
    const asked = params.scope?.split(' ').filter(Boolean) ?? client.scopes;
    const unknown = asked.filter((scope) => !client.scopes.includes(scope));
    if (unknown.length > 0) {
      throw oauthError(
        'invalid_request',
        `Scope not registered for this client: ${unknown.join(' ')}`,
      );
    }
    const issued = this.issuer.clientCredentials(client, [...new Set(asked)]);
    await this.issued(client, 'client_credentials', { scope: issued.scope ?? '' });
    return issued;
  }

  /**
   * `client_token_issued` in the audit trail: which client got a token, for whom and for
   * what, from where. The token itself is never kept. On its own statement: a token is not a
   * change of state, so there is no transaction to join.
   */
  private async issued(
    client: RegisteredClient,
    grant: Grant,
    details: Record<string, string>,
    userId?: string,
    sessionId?: string,
  ): Promise<void> {
    const event = { type: 'client_token_issued' as const, userId, sessionId };
    await this.events.record(
      this.dataSource,
      { ...event, details: { clientId: client.id, grant, ...details } },
      this.clock.now(),
    );
  }
}
