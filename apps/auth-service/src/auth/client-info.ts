import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../sessions/sessions.service';

/** The caller's address (X-Forwarded-For only from trusted proxies, see HTTP_TRUST_PROXY) and agent. */
export function clientInfo(request: FastifyRequest): ClientInfo & { ip: string } {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : undefined };
}
