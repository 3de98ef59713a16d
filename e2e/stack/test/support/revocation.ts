import { call } from './client';
import { eventually } from './service-process';
import type { ServiceProcess } from './service-process';

const PREFIX: Record<string, string> = {
  'catalog-service': 'catalog',
  'orders-service': 'orders',
  'billing-service': 'billing',
};

/** GET /<prefix>/me on a downstream service with a token. */
export const me = (service: ServiceProcess, token: string) =>
  call(`${service.url}/${PREFIX[service.app]}/me`, { token });

/** Waits until each service refuses the token with `code` (a liveness bound of `timeoutMs`). */
export async function refusedBy(
  services: ServiceProcess[],
  token: string,
  code: string,
  timeoutMs = 10_000,
): Promise<void> {
  await Promise.all(
    services.map((service) =>
      eventually(async () => {
        const res = await me(service, token);
        return res.status === 401 && res.body.code === code;
      }, timeoutMs),
    ),
  );
}
