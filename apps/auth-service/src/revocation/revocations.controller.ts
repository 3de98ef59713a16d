import { Controller, Get, Headers, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@hybrid-auth/auth-guard';
import { ApiError, ApiErrors, notFound, unavailable } from '@hybrid-auth/platform';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { MachineTokens } from '../oauth/machine-tokens';
import { readWindow, revocationWindowMs } from './revocation-outbox';
import type { OutboxEvent } from './revocation-outbox';

class RevocationEventDto {
  @ApiProperty({ enum: ['session', 'user'] }) type!: string;
  @ApiProperty({ description: 'Outbox event id' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'uuid', required: false, description: 'type `session` only' })
  sessionId?: string;
  @ApiProperty({ enum: ['user', 'admin'], required: false, description: 'type `user` only' })
  role?: string;
  @ApiProperty({ description: 'When it happened, milliseconds since the epoch' }) at!: number;
}

class RevocationSnapshotDto {
  @ApiProperty({ description: "auth-service's clock when the snapshot was read (ms)" })
  asOf!: number;
  @ApiProperty({ type: [RevocationEventDto] }) events!: RevocationEventDto[];
}

const digest = (text: string) => createHash('sha256').update(text).digest();
/** The scope a client-credentials token needs here. */
export const REVOCATIONS_SCOPE = 'revocations:read';
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The revocation window straight from the outbox, for guards whose Redis stream cannot
 * answer (Redis down or restarted, a guard started meanwhile). Service-to-service only, and
 * the gateway does not route it: the bearer is a client-credentials token with scope
 * `revocations:read` (a registered client of AUTH_CLIENTS_FILE), or, as the documented
 * fallback, `AUTH_REVOCATIONS_SECRET`. With neither configured the route answers 404.
 */
@ApiTags('internal')
@Public()
@Controller('auth/internal/revocations')
export class RevocationsController {
  private readonly secret: Buffer | undefined;
  private readonly windowMs: number;
  private readonly clients: boolean;

  constructor(
    @Inject(AUTH_CONFIG) config: AuthConfig,
    private readonly dataSource: DataSource,
    private readonly machines: MachineTokens,
  ) {
    this.clients = config.oauth.clientsFile !== undefined;
    this.secret = config.revocationsSecret ? digest(config.revocationsSecret) : undefined;
    this.windowMs = revocationWindowMs(config);
  }

  @Get()
  @ApiBearerAuth('revocations-secret')
  @ApiOperation({
    summary: 'Every revocation event that can still matter (service-to-service fallback feed)',
  })
  @ApiOkResponse({ type: RevocationSnapshotDto })
  @ApiErrors({
    401: ['missing_token', 'invalid_token'],
    404: ['not_found'],
    503: ['unavailable'],
  })
  async snapshot(
    @Headers('authorization') authorization: string | undefined,
  ): Promise<{ asOf: number; events: OutboxEvent[] }> {
    if (!this.secret && !this.clients) throw notFound('Route');
    const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!presented) throw new ApiError(401, 'missing_token', 'A bearer token is required');
    if (JWT_SHAPE.test(presented)) {
      if (!(await this.machines.verify(presented, REVOCATIONS_SCOPE))) {
        throw new ApiError(
          401,
          'invalid_token',
          `A client-credentials token with scope ${REVOCATIONS_SCOPE} is required`,
        );
      }
    } else if (!this.secret || !timingSafeEqual(digest(presented), this.secret)) {
      // Both sides hashed first: equal lengths, and the comparison leaks nothing by timing.
      throw new ApiError(401, 'invalid_token', 'The feed secret is not valid');
    }
    // Taken before the read: every event committed before this instant is in the answer.
    const asOf = Date.now();
    try {
      return { asOf, events: await readWindow(this.dataSource.manager, this.windowMs, asOf) };
    } catch (error) {
      throw unavailable('The revocation outbox cannot be read right now', error);
    }
  }
}
