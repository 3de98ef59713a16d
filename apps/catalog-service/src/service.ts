import type { ServiceDescription } from '@hybrid-auth/platform';

/** How this service names and describes itself (logs, metrics, OpenAPI). */
export const SERVICE: ServiceDescription = {
  name: 'catalog-service',
  description: 'Products of hybrid-auth: public reads, admin writes.',
  version: '0.1.0',
};
