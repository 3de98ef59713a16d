import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

/** Who asked: the address and agent of the request, and the signed-in caller if any. */
export interface RequestContext {
  ip: string | undefined;
  userAgent: string | undefined;
  actorId: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being handled, if any (none in workers and at start). */
export const currentRequest = (): RequestContext | undefined => storage.getStore();

/**
 * Makes the request's address and agent (the proxy-aware `request.ip`, see HTTP_TRUST_PROXY)
 * and the verified caller available to AuthEvents.record deep in the services, so that every
 * flow records who did it without threading the request through each call. Interceptors run
 * after the guards: the caller is the verified one.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const agent = request.headers['user-agent'];
    const store: RequestContext = {
      ip: request.ip,
      userAgent: typeof agent === 'string' ? agent : undefined,
      actorId: request.user?.userId,
    };
    return new Observable((subscriber) =>
      storage.run(store, () => next.handle().subscribe(subscriber)),
    );
  }
}
