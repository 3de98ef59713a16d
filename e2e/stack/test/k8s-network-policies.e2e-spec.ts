import type { K8sObject, RenderedOverlay } from './support/k8s';
import { egressAllowed, find, renderExample } from './support/k8s';

const DOWNSTREAM = ['catalog-service', 'orders-service', 'billing-service'];

/**
 * The NetworkPolicies of deploy/k8s (example overlay) evaluated as a cluster would for an
 * address outside it: the compose network isolation, kept (docker-compose.yml's networks).
 */
describe('Kubernetes NetworkPolicies (deploy/k8s, example overlay)', () => {
  let overlay: RenderedOverlay;
  beforeAll(() => (overlay = renderExample()));
  afterAll(() => overlay?.remove());

  const policies = () => overlay.objects.filter((o) => o.kind === 'NetworkPolicy');
  const workloads = () => overlay.objects.filter((o) => ['Deployment', 'Job'].includes(o.kind));
  const endpoint = (key: string) =>
    new URL(find(overlay.objects, 'ConfigMap', 'hybrid-auth-endpoints').data[key]);
  const labels = (w: K8sObject) => w.spec.template.metadata.labels;
  const reaching = (url: URL) =>
    workloads()
      .filter((w) => egressAllowed(policies(), labels(w), url.hostname, Number(url.port)))
      .map((w) => w.metadata.name)
      .sort();

  it('deny everything not allowed', () => {
    const deny = policies().find(
      (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress,
    );
    expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('let only auth-service and its migration Job reach the auth database', () => {
    expect(reaching(endpoint('AUTH_DATABASE_URL'))).toEqual(['auth-service', 'migrate-auth']);
  });

  it('let no downstream pod, the gateway or another Job reach the auth database on any port', () => {
    const db = endpoint('AUTH_DATABASE_URL');
    for (const name of [...DOWNSTREAM, 'gateway', 'migrate-catalog', 'migrate-orders']) {
      const w = workloads().find((x) => x.metadata.name === name);
      for (const port of [5432, 6432, 443])
        expect([name, port, egressAllowed(policies(), labels(w), db.hostname, port)]).toEqual([
          name,
          port,
          false,
        ]);
    }
  });

  it('let catalog and orders reach the application database, and the services Redis', () => {
    expect(reaching(endpoint('CATALOG_DATABASE_URL'))).toEqual([
      'catalog-service',
      'migrate-catalog',
      'migrate-orders',
      'orders-service',
    ]);
    expect(reaching(endpoint('GUARD_REDIS_URL'))).toEqual([
      'auth-service',
      'billing-service',
      'catalog-service',
      'orders-service',
    ]);
  });

  it('let only auth-service reach the mail relay', () => {
    expect(reaching(endpoint('SMTP_URL'))).toEqual(['auth-service']);
  });
});
