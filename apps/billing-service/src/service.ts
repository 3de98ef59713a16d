import type { ServiceDescription } from '@hybrid-auth/platform';

/** How this service names and describes itself (logs, metrics, OpenAPI). */
export const SERVICE: ServiceDescription = {
  name: 'billing-service',
  description:
    'Billing summaries of hybrid-auth users; strict: refuses while revocation news may be stale.',
  version: '0.1.0',
};
