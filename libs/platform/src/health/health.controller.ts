import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@hybrid-auth/auth-guard';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../http/api-docs';
import { isDraining } from '../http/drain';
import { ReadinessRegistry } from './readiness.registry';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get('live')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is up and its event loop turns.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Every dependency answers; `checks` tells each one.' })
  @ApiErrors({ 503: ['unavailable'] })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<object> {
    // Shutting down: out of the load balancer at once, whatever the dependencies say.
    if (isDraining(reply.server)) {
      reply.status(503);
      return { code: 'unavailable', message: 'Shutting down' };
    }
    const { ready, checks } = await this.readiness.run();
    if (!ready) {
      reply.status(503);
      return { code: 'unavailable', message: 'Not ready', checks };
    }
    return { status: 'ready', checks };
  }
}
