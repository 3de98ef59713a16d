import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeUpstream } from './support/fake-upstream';
import { Gateway } from './support/gateway';
import type { K8sObject, RenderedOverlay } from './support/k8s';
import { find, renderExample } from './support/k8s';
import { ROOT } from './support/service-process';

type Env = Record<string, string | undefined>;

/** Each service's built config loader, as its main.ts calls it at start. */
const LOADERS: Record<string, [file: string, name: string]> = {
  'auth-service': ['apps/auth-service/dist/config/auth.config.js', 'loadAuthConfig'],
  'catalog-service': ['apps/catalog-service/dist/config/catalog.config.js', 'loadCatalogConfig'],
  'orders-service': ['apps/orders-service/dist/config/orders.config.js', 'loadOrdersConfig'],
  'billing-service': ['apps/billing-service/dist/config/billing.config.js', 'loadBillingConfig'],
};

/**
 * What the pods of deploy/k8s (example overlay) would start with: each service's environment,
 * its ConfigMaps and mounted Secret files resolved as the kubelet does, given to the service's
 * own config loader in production; and the gateway's nginx configuration run natively.
 */
describe('Kubernetes manifests: what the pods start with', () => {
  let overlay: RenderedOverlay;
  let secretDir: string;
  const one = (kind: string, name: string): K8sObject => find(overlay.objects, kind, name);
  beforeAll(() => {
    overlay = renderExample();
    secretDir = mkdtempSync(path.join(os.tmpdir(), 'k8s-secrets-'));
  });
  afterAll(() => {
    overlay?.remove();
    rmSync(secretDir, { recursive: true, force: true });
  });

  /** The container's environment as the kubelet gives it, the Secret's files written out. */
  function containerEnv(name: string): Env {
    const pod = one('Deployment', name).spec.template.spec;
    const c = pod.containers[0];
    const data = (kind: string, n: string) => one(kind, n).data as Record<string, string>;
    const env: Env = { NODE_ENV: 'production', PORT: String(c.ports[0].containerPort) };
    for (const from of c.envFrom ?? [])
      Object.assign(env, data('ConfigMap', from.configMapRef.name));
    const secretName = pod.volumes.find((v: K8sObject) => v.secret).secret.secretName;
    const secret = data('Secret', secretName);
    for (const e of c.env) {
      const ref = e.valueFrom?.configMapKeyRef;
      let value: string = ref ? data('ConfigMap', ref.name)[ref.key] : e.value;
      const mounted = /^\/run\/secrets\/hybrid-auth\/(.+)$/.exec(value);
      if (mounted) {
        expect([e.name, Object.keys(secret)]).toEqual([
          e.name,
          expect.arrayContaining([mounted[1]]),
        ]);
        value = path.join(secretDir, `${name}-${mounted[1]}`);
        writeFileSync(value, Buffer.from(secret[mounted[1]].replace(/\s/g, ''), 'base64'));
      }
      env[e.name] = value;
    }
    return env;
  }

  it.each(Object.keys(LOADERS))('gives %s a configuration it accepts in production', (name) => {
    const [file, exported] = LOADERS[name];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path.join(ROOT, file)) as Record<string, (env: Env) => unknown>;
    expect(() => module[exported](containerEnv(name))).not.toThrow();
  });

  it('serves the compose gateway template unchanged', () => {
    expect(one('ConfigMap', 'gateway-template').data['default.conf.template']).toBe(
      readFileSync(path.join(ROOT, 'deploy/nginx/gateway.conf.template'), 'utf8'),
    );
  });

  describe('the gateway behind an ingress controller (real-ip.conf)', () => {
    let upstream: FakeUpstream;
    beforeAll(async () => (upstream = await FakeUpstream.start()));
    afterAll(() => upstream?.stop());

    /** What the upstream saw as X-Forwarded-For for a request sent from `from`. */
    async function forwardedFor(gateway: Gateway, from: string, header: string) {
      upstream.reset();
      await new Promise<void>((resolve, reject) => {
        const request = http.request(
          `${gateway.url}/catalog/x`,
          { localAddress: from, headers: { 'x-forwarded-for': header, connection: 'close' } },
          (res) => res.resume().on('end', resolve),
        );
        request.on('error', reject).end();
      });
      return upstream.requests[0].headers['x-forwarded-for'];
    }

    it('takes the client from the X-Forwarded-For of the trusted proxy, and of nobody else', async () => {
      const conf = one('ConfigMap', 'gateway-template').data['real-ip.conf.template'] as string;
      expect(conf.match(/^set_real_ip_from .*$/gm)).toEqual(['set_real_ip_from 10.244.0.0/16;']);
      // 127.0.0.3 stands for the ingress controller's pods.
      const local = conf.replace(/^set_real_ip_from .*$/m, 'set_real_ip_from 127.0.0.3/32;');
      const gateway = await Gateway.start(upstream.upstreams(), [local]);
      try {
        expect(await forwardedFor(gateway, '127.0.0.3', '198.51.100.1, 203.0.113.9')).toBe(
          '203.0.113.9',
        );
        expect(await forwardedFor(gateway, '127.0.0.2', '203.0.113.66')).toBe('127.0.0.2');
      } finally {
        await gateway.stop();
      }
    });

    it('trusts nobody with the base placeholder', async () => {
      const conf = readFileSync(
        path.join(ROOT, 'deploy/k8s/base/gateway-real-ip.conf.template'),
        'utf8',
      );
      const gateway = await Gateway.start(upstream.upstreams(), [conf]);
      try {
        expect(await forwardedFor(gateway, '127.0.0.3', '203.0.113.9')).toBe('127.0.0.3');
      } finally {
        await gateway.stop();
      }
    });
  });
});
