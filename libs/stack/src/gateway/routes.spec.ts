import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../repo';
import { PAGE_PATHS, gatewayRoutes, nginxLocations, routeFor } from './routes';

const TEMPLATE = path.join(REPO_ROOT, 'deploy/nginx/gateway.conf.template');

/** The template's proxied locations as `<location> <upstream variable>` lines. */
function templateLocations(template: string): string[] {
  const upstreams = new Map(
    [...template.matchAll(/upstream\s+(\w+)\s*\{\s*server\s+\$\{(\w+)\}/g)].map(([, name, v]) => [
      name,
      v,
    ]),
  );
  return [...template.matchAll(/location\s+(=\s+)?(\S+)\s*\{\s*proxy_pass\s+http:\/\/(\w+);/g)].map(
    ([, exact, location, upstream]) =>
      `${exact ? '= ' : ''}${location} ${upstreams.get(upstream) ?? `unknown upstream ${upstream}`}`,
  );
}

describe('gateway routes', () => {
  it('are the nginx template’s proxied locations, one for one (both gateways route alike)', () => {
    const template = readFileSync(TEMPLATE, 'utf8');
    expect(templateLocations(template).sort()).toEqual(nginxLocations().sort());
  });

  it('serve the account page at the pages mails link to in the nginx template too', () => {
    const template = readFileSync(TEMPLATE, 'utf8');
    const rewrite = /rewrite \^\/\(([\w|-]+)\)\$ \/index\.html break;/.exec(template);
    expect(rewrite?.[1].split('|').map((p) => `/${p}`)).toEqual(PAGE_PATHS);
  });

  it('send a path to the service whose prefix it starts with, and /orders itself to orders', () => {
    const routes = gatewayRoutes({ ORDERS_UPSTREAM: '10.0.0.2:9000' });
    const to = (p: string) => routeFor(routes, p)?.to;
    expect({
      jwks: to('/.well-known/jwks.json'),
      orders: to('/orders'),
      order: to('/orders/123'),
      ordersX: to('/ordersX'),
      page: to('/index.html'),
    }).toEqual({
      jwks: 'http://127.0.0.1:3000',
      orders: 'http://10.0.0.2:9000',
      order: 'http://10.0.0.2:9000',
      ordersX: undefined,
      page: undefined,
    });
  });
});
