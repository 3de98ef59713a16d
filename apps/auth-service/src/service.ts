import type { ServiceDescription } from '@hybrid-auth/platform';

/** How this service names and describes itself (logs, metrics, OpenAPI). */
export const SERVICE: ServiceDescription = {
  name: 'auth-service',
  description: 'Users, refresh sessions, signing keys and revocation events of hybrid-auth.',
  version: '0.1.0',
  formPaths: ['/auth/token'],
};
