import type { ServiceDescription } from '@hybrid-auth/platform';

/** How this service names and describes itself (logs, metrics, OpenAPI). */
export const SERVICE: ServiceDescription = {
  name: 'orders-service',
  description:
    'Orders of hybrid-auth users, each visible to its owner only, priced by catalog-service.',
  version: '0.1.0',
};
