import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { EnvReader, readHttpConfig } from '@hybrid-auth/platform';
import { GATEWAY, SERVICES } from '@hybrid-auth/stack';
import type { K8sObject, RenderedOverlay } from './support/k8s';
import { find, mountedSecretFiles, renderExample, validate } from './support/k8s';

const DOWNSTREAM = ['catalog-service', 'orders-service', 'billing-service'];
/**
 * Service identities, named as deploy/service-keys.mjs writes them: each calling service of the
 * stack list (libs/stack) and auth-service's clients file, and who alone may read each.
 */
const IDENTITY_FILES: [file: string, owner: string, variable: string][] = [
  ...SERVICES.filter((s) => s.client).map((s): [string, string, string] => [
    `${s.name}_client_key`,
    s.title,
    'AUTH_CLIENT_KEY_FILE',
  ]),
  ['auth_clients', 'auth-service', 'AUTH_CLIENTS_FILE'],
];
const CURRENT_APIS = [
  'v1',
  'apps/v1',
  'batch/v1',
  'policy/v1',
  'autoscaling/v2',
  'networking.k8s.io/v1',
];

/**
 * deploy/k8s rendered as an operator would (the example overlay, with secrets made by the
 * documented commands), every object validated against the Kubernetes API schemas, and the
 * workloads' properties checked on the rendered objects. No cluster runs here.
 * NetworkPolicies: k8s-network-policies.e2e-spec.ts; configuration: k8s-config.e2e-spec.ts.
 */
describe('Kubernetes manifests (deploy/k8s, example overlay)', () => {
  let overlay: RenderedOverlay;
  const all = (kind: string): K8sObject[] => overlay.objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string) => find(overlay.objects, kind, name);

  beforeAll(() => (overlay = renderExample()));
  afterAll(() => overlay?.remove());

  it('renders and validates every object against the API schemas', () => {
    const file = path.join(overlay.root, 'rendered.yaml');
    writeFileSync(file, overlay.rendered);
    const result = validate(file);
    expect(result.output).not.toContain('INVALID');
    expect(result.status).toBe(0);
    expect(result.output).toContain(`${overlay.objects.length} valid, 0 invalid`);
  });

  it('rejects an invalid object (the validator is not a no-op)', () => {
    const file = path.join(overlay.root, 'broken.yaml');
    writeFileSync(file, overlay.rendered.replace('containerPort: 3000', 'containerPort: three'));
    const result = validate(file);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/INVALID {2}Deployment\/auth-service .*containerPort/);
  });

  it('uses only API versions current clusters serve (the bundled schemas keep removed ones)', () => {
    for (const o of overlay.objects)
      expect([o.kind, CURRENT_APIS.includes(o.apiVersion)]).toEqual([o.kind, true]);
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

  it.each([...SERVICES.map((s) => s.title), GATEWAY.title])(
    'takes %s out of its Service before stopping it, with time to drain',
    (name) => {
      const pod = one('Deployment', name).spec.template.spec;
      const [container] = pod.containers;
      // An exec sleep rather than the sleep action: that needs Kubernetes 1.30 or later.
      const [command, seconds] = container.lifecycle.preStop.exec.command;
      expect(command).toBe('sleep');
      expect(Number(seconds)).toBeGreaterThanOrEqual(3);
      if (name === GATEWAY.title) return; // nginx: SIGQUIT, it finishes what it has
      // The termination grace counts from preStop: the sleep, then the drain after SIGTERM
      // (the service's own HTTP_SHUTDOWN_GRACE_MS, read as the service reads it), with a margin.
      const settings = one('ConfigMap', 'hybrid-auth-settings').data as Record<string, string>;
      const drainMs = readHttpConfig(new EnvReader({ ...settings }), 0).shutdownGraceMs;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(
        Number(seconds) * 1000 + drainMs + 5_000,
      );
    },
  );

  it('gives every container requests and limits, and the restricted security profile', () => {
    for (const w of [...all('Deployment'), ...all('Job')]) {
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

  it.each(IDENTITY_FILES)(
    'mounts %s in %s alone, where its %s points (least privilege)',
    (file, owner, variable) => {
      const secrets = path.join(overlay.root, 'deploy/k8s/overlays/example/secrets');
      const content = readFileSync(path.join(secrets, file), 'utf8');
      const workloads = [...all('Deployment'), ...all('Job')];
      const readers = workloads.filter((w) =>
        [...mountedSecretFiles(overlay.objects, w).values()].includes(content),
      );
      expect(readers.map((w) => `${w.kind}/${w.metadata.name}`)).toEqual([`Deployment/${owner}`]);
      const deployment = one('Deployment', owner);
      const env = deployment.spec.template.spec.containers[0].env as K8sObject[];
      const pointer = env.find((e) => e.name === variable)?.value as string;
      expect(mountedSecretFiles(overlay.objects, deployment).get(pointer)).toBe(content);
      // The other service-identity variable is never set on the same pod.
      const other = variable === 'AUTH_CLIENTS_FILE' ? 'AUTH_CLIENT_KEY' : 'AUTH_CLIENTS_FILE';
      expect(env.filter((e) => String(e.name).startsWith(other))).toEqual([]);
    },
  );

  it('gives the gateway and the migration Jobs no service identity', () => {
    for (const w of [one('Deployment', GATEWAY.title), ...all('Job')]) {
      const env = (w.spec.template.spec.containers[0].env ?? []) as K8sObject[];
      expect([w.metadata.name, env.filter((e) => /^AUTH_CLIENT/.test(e.name))]).toEqual([
        w.metadata.name,
        [],
      ]);
    }
  });
});
