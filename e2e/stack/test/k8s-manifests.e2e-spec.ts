import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GATEWAY, SERVICES } from '@hybrid-auth/stack';
import type { K8sObject } from './support/k8s';
import { egressAllowed, parse, prepareOverlay, render, validate } from './support/k8s';
import { ROOT } from './support/service-process';

type Env = Record<string, string | undefined>;

/** Each service's built config loader, as its main.ts calls it at start. */
const LOADERS: Record<string, [file: string, name: string]> = {
  'auth-service': ['apps/auth-service/dist/config/auth.config.js', 'loadAuthConfig'],
  'catalog-service': ['apps/catalog-service/dist/config/catalog.config.js', 'loadCatalogConfig'],
  'orders-service': ['apps/orders-service/dist/config/orders.config.js', 'loadOrdersConfig'],
  'billing-service': ['apps/billing-service/dist/config/billing.config.js', 'loadBillingConfig'],
};
const DOWNSTREAM = ['catalog-service', 'orders-service', 'billing-service'];

/**
 * deploy/k8s rendered as an operator would (the example overlay, with secrets made by the
 * documented commands), every object validated against the Kubernetes API schemas, and the
 * properties the deployment relies on checked on the rendered objects. No cluster runs here.
 */
describe('Kubernetes manifests (deploy/k8s, example overlay)', () => {
  let work: ReturnType<typeof prepareOverlay>;
  let rendered: string;
  let objects: K8sObject[];
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string) => {
    const found = all(kind).find((o) => o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const workloads = () => [...all('Deployment'), ...all('Job')];

  beforeAll(() => {
    work = prepareOverlay();
    rendered = render(work.overlay);
    objects = parse(rendered);
  });
  afterAll(() => work?.remove());

  it('renders and validates every object against the API schemas', () => {
    const file = path.join(work.root, 'rendered.yaml');
    writeFileSync(file, rendered);
    const result = validate(file);
    expect(result.output).not.toContain('INVALID');
    expect(result.status).toBe(0);
    expect(result.output).toContain(`${objects.length} valid, 0 invalid`);
  });

  it('uses only API versions current clusters serve (the bundled schemas keep removed ones)', () => {
    const current = [
      'v1',
      'apps/v1',
      'batch/v1',
      'policy/v1',
      'autoscaling/v2',
      'networking.k8s.io/v1',
    ];
    for (const o of objects)
      expect([o.kind, current.includes(o.apiVersion)]).toEqual([o.kind, true]);
  });

  it('rejects an invalid object (the validator is not a no-op)', () => {
    const file = path.join(work.root, 'broken.yaml');
    writeFileSync(file, rendered.replace('containerPort: 3000', 'containerPort: three-thousand'));
    const result = validate(file);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/INVALID {2}Deployment\/auth-service .*containerPort/);
  });

  it('runs the four services and the gateway, each behind a Service', () => {
    const names = [...SERVICES.map((s) => s.title), GATEWAY.title];
    expect(
      all('Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual([...names].sort());
    for (const s of [...SERVICES, GATEWAY]) {
      const port = one('Service', s.title).spec.ports[0];
      const container = one('Deployment', s.title).spec.template.spec.containers[0];
      expect(container.ports).toEqual([{ name: 'http', containerPort: s.port }]);
      expect([port.port, port.targetPort]).toEqual([s.port, 'http']);
    }
  });

  it.each([...SERVICES.map((s) => s.title), GATEWAY.title])(
    'gives %s liveness and readiness probes on its health routes',
    (name) => {
      const live = name === GATEWAY.title ? GATEWAY.health : '/health/live';
      const ready = name === GATEWAY.title ? GATEWAY.health : '/health/ready';
      for (const c of one('Deployment', name).spec.template.spec.containers) {
        expect(c.livenessProbe.httpGet).toEqual({ path: live, port: 'http' });
        expect(c.readinessProbe.httpGet).toEqual({ path: ready, port: 'http' });
      }
    },
  );

  it('gives every container requests and limits, and the restricted security profile', () => {
    for (const w of workloads()) {
      const pod = w.spec.template.spec;
      expect([w.metadata.name, pod.securityContext]).toEqual([
        w.metadata.name,
        expect.objectContaining({
          runAsNonRoot: true,
          runAsUser: expect.any(Number) as unknown,
          seccompProfile: { type: 'RuntimeDefault' },
        }),
      ]);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        for (const bound of ['requests', 'limits'])
          expect(Object.keys(c.resources[bound]).sort()).toEqual(['cpu', 'memory']);
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('has a PodDisruptionBudget for every Deployment and an autoscaler for each downstream one', () => {
    for (const d of all('Deployment')) {
      const budgets = all('PodDisruptionBudget').filter(
        (p) => p.spec.selector.matchLabels['app.kubernetes.io/name'] === d.metadata.name,
      );
      expect([d.metadata.name, budgets.length]).toEqual([d.metadata.name, 1]);
    }
    for (const name of DOWNSTREAM) {
      const hpa = one('HorizontalPodAutoscaler', name);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(one('Deployment', name).spec.replicas).toBeUndefined();
    }
  });

  it('runs the migrations of each database once, as a Job with the migrate command', () => {
    const commands = all('Job').map((j) => j.spec.template.spec.containers[0].command.join(' '));
    expect(commands.sort()).toEqual(
      ['auth-service', 'catalog-service', 'orders-service'].map(
        (app) => `node apps/${app}/dist/cli/migrate.js`,
      ),
    );
  });

  describe('NetworkPolicies', () => {
    const policies = () => all('NetworkPolicy');
    const endpoint = (key: string) =>
      new URL(
        all('ConfigMap').find((c) => c.metadata.name.startsWith('hybrid-auth-endpoints')).data[key],
      );
    const labels = (w: K8sObject) => w.spec.template.metadata.labels;

    it('deny everything not allowed', () => {
      const deny = policies().find(
        (p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress,
      );
      expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    });

    it('let only auth-service and its migration Job reach the auth database', () => {
      const db = endpoint('AUTH_DATABASE_URL');
      const reach = workloads()
        .filter((w) => egressAllowed(policies(), labels(w), db.hostname, Number(db.port)))
        .map((w) => w.metadata.name);
      expect(reach.sort()).toEqual(['auth-service', 'migrate-auth']);
    });

    it('let no downstream pod or the gateway reach the auth database on any port', () => {
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
      const app = endpoint('CATALOG_DATABASE_URL');
      const redis = endpoint('GUARD_REDIS_URL');
      const reach = (host: URL) =>
        workloads()
          .filter((w) => egressAllowed(policies(), labels(w), host.hostname, Number(host.port)))
          .map((w) => w.metadata.name)
          .sort();
      expect(reach(app)).toEqual([
        'catalog-service',
        'migrate-catalog',
        'migrate-orders',
        'orders-service',
      ]);
      expect(reach(redis)).toEqual([
        'auth-service',
        'billing-service',
        'catalog-service',
        'orders-service',
      ]);
    });
  });

  describe('configuration', () => {
    let secretDir: string;
    beforeAll(() => (secretDir = mkdtempSync(path.join(os.tmpdir(), 'k8s-secrets-'))));
    afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

    /** The container's environment as the kubelet gives it, secret files written out. */
    function containerEnv(name: string): Env {
      const pod = one('Deployment', name).spec.template.spec;
      const c = pod.containers[0];
      const configMap = (n: string) => one('ConfigMap', n).data as Record<string, string>;
      const env: Env = { NODE_ENV: 'production', PORT: String(c.ports[0].containerPort) };
      for (const from of c.envFrom ?? []) Object.assign(env, configMap(from.configMapRef.name));
      const secretVolume = pod.volumes.find((v: K8sObject) => v.secret).secret.secretName;
      const secret = one('Secret', secretVolume).data as Record<string, string>;
      for (const e of c.env) {
        const ref = e.valueFrom?.configMapKeyRef;
        let value: string = ref ? configMap(ref.name)[ref.key] : e.value;
        const mounted = /^\/run\/secrets\/hybrid-auth\/(.+)$/.exec(value);
        if (mounted) {
          expect([e.name, Object.keys(secret)]).toEqual([
            e.name,
            expect.arrayContaining([mounted[1]]),
          ]);
          value = path.join(secretDir, `${name}-${mounted[1]}`);
          writeFileSync(value, Buffer.from(secret[mounted[1]], 'base64'));
        }
        env[e.name] = value;
      }
      return env;
    }

    it.each(Object.keys(LOADERS))('gives %s a configuration it accepts in production', (name) => {
      const [file, exported] = LOADERS[name];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const load = (require(path.join(ROOT, file)) as Record<string, (env: Env) => unknown>)[
        exported
      ];
      expect(() => load(containerEnv(name))).not.toThrow();
    });

    it('serves the compose gateway template unchanged', () => {
      const template = all('ConfigMap').find((c) => c.metadata.name.startsWith('gateway-template'));
      expect(template.data['default.conf.template']).toBe(
        readFileSync(path.join(ROOT, 'deploy/nginx/gateway.conf.template'), 'utf8'),
      );
    });
  });
});
