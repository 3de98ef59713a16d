import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICES } from '@hybrid-auth/stack';
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

/** Loads `name`'s configuration from `env` with the service's own built loader. */
function load(name: string, env: Env): K8sObject {
  const [file, exported] = LOADERS[name];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(path.join(ROOT, file)) as Record<string, (env: Env) => unknown>;
  return module[exported](env);
}

/** The ids of the registered clients whose public keys verify a signature by `privateKey`. */
function clientsOf(privateKey: JsonWebKey, clients: K8sObject[]): string[] {
  const data = Buffer.from('k8s-config');
  const signature = sign('sha256', data, createPrivateKey({ key: privateKey, format: 'jwk' }));
  return clients
    .filter((c) =>
      (c.jwks.keys as JsonWebKey[]).some((k) =>
        verify('sha256', data, createPublicKey({ key: k, format: 'jwk' }), signature),
      ),
    )
    .map((c) => c.id as string);
}

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
    expect(() => load(name, containerEnv(name))).not.toThrow();
  });

  /** auth-service's clients file as its pod reads it, through its own parser. */
  function registeredClients(): K8sObject[] {
    const file = load('auth-service', containerEnv('auth-service')).oauth.clientsFile as string;
    expect(file).toEqual(expect.any(String));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseClients } = require(path.join(ROOT, 'apps/auth-service/dist/oauth/clients.js'));
    return parseClients(JSON.parse(readFileSync(file, 'utf8')), file);
  }

  it.each(SERVICES.filter((s) => s.client).map((s) => [s.title, s.client!.grants]))(
    'gives %s its own key, registered for it alone, for the snapshot and exchanges',
    (name, grants) => {
      const env = containerEnv(name);
      const config = load(name, env);
      // The revocation snapshot is read with a machine token, not the shared secret.
      expect(typeof config.guard.revocation.fallback.secret).toBe('function');
      const key = JSON.parse(readFileSync(env.AUTH_CLIENT_KEY_FILE as string, 'utf8'));
      expect(clientsOf(key, registeredClients())).toEqual([name]);
      if (!grants.includes('token_exchange')) return; // it calls no other service
      // A client configuration: downstream calls carry exchanged tokens, never the user's own.
      expect(config.client).toEqual({
        clientId: name,
        issuer: 'hybrid-auth',
        tokenUrl: 'http://auth-service:3000/auth/token',
        privateKey: key,
      });
    },
  );

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
