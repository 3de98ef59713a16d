import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@hybrid-auth/auth-guard';
import type { PublicJwk } from '@hybrid-auth/auth-guard';
import type { FastifyReply } from 'fastify';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { SigningKeysService } from './signing-keys.service';

@ApiTags('keys')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly keys: SigningKeysService,
  ) {}

  /** From memory: answers while PostgreSQL is down. */
  @Get('jwks.json')
  @ApiOkResponse({ description: 'Every public key that may still verify a live access token.' })
  jwks(@Res({ passthrough: true }) reply: FastifyReply): { keys: PublicJwk[] } {
    reply.header('cache-control', `public, max-age=${this.config.jwksMaxAgeSeconds}`);
    return this.keys.jwks();
  }
}
