import { SERVICES } from '../services';
import type { Route } from '../services';

/** A route of the gateway: a path prefix (and maybe one exact path) and where it goes. */
export interface GatewayRoute extends Route {
  /** The service's name in the stack list. */
  service: string;
  /** http://host:port */
  to: string;
}

/**
 * Every service route of the stack list, to the upstream its variable names (host:port) or
 * the service's default port on 127.0.0.1: the same table the nginx template holds (a test
 * keeps the two equal).
 */
export function gatewayRoutes(env: NodeJS.ProcessEnv = {}): GatewayRoute[] {
  return SERVICES.flatMap((s) => {
    if (!s.routes) return [];
    const upstream = env[s.routes.upstreamVariable] ?? `127.0.0.1:${s.port}`;
    return s.routes.paths.map((path) => ({ ...path, service: s.name, to: `http://${upstream}` }));
  });
}

/**
 * Paths of the account page itself, besides `/`: the pages mails link to. Both gateways serve
 * index.html there (the token follows in the fragment, which no request carries).
 */
export const PAGE_PATHS = ['/verify-email', '/reset-password'];

/** The route for a decoded path, if any: by prefix, or the exact path (`/orders` itself). */
export function routeFor(routes: GatewayRoute[], decoded: string): GatewayRoute | undefined {
  return routes.find((r) => decoded === r.exact || decoded.startsWith(r.prefix));
}

/**
 * The routes as nginx locations, `<location> <upstream variable>` (`= /orders` for an exact
 * match): the form the nginx template's proxied locations are compared in (routes.spec.ts).
 */
export function nginxLocations(): string[] {
  return SERVICES.flatMap((s) =>
    (s.routes?.paths ?? []).flatMap((path) => [
      ...(path.exact ? [`= ${path.exact} ${s.routes!.upstreamVariable}`] : []),
      `${path.prefix} ${s.routes!.upstreamVariable}`,
    ]),
  );
}
