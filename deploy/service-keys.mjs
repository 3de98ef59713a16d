// Service identities for docker compose, each made once into the secrets directory: a private
// P-256 key per calling service (<name>_client_key, a JWK) and auth-service's clients file
// (auth_clients: their public halves and what each may ask for, docs/service-identity.md).
// Run by deploy/compose-secrets.sh; `npm start` makes the same through libs/stack.
//   node deploy/service-keys.mjs <directory>
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Every service reads the revocation snapshot with a machine token (scope revocations:read);
// orders and billing also exchange user tokens for the service they call.
const SNAPSHOT = { grants: ['client_credentials'], scopes: ['revocations:read'] };
const CALLERS = [
  { name: 'catalog', id: 'catalog-service', audiences: ['auth-service'], exchange: false },
  {
    name: 'orders',
    id: 'orders-service',
    audiences: ['catalog-service', 'auth-service'],
    exchange: true,
  },
  {
    name: 'billing',
    id: 'billing-service',
    audiences: ['orders-service', 'auth-service'],
    exchange: true,
  },
];
const dir = process.argv[2] ?? 'secrets';

/** Written whole or not at all, readable by the container users (like the other secrets). */
function writeOnce(file, text) {
  writeFileSync(`${file}.tmp`, text, { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
  console.log(`created ${file}`);
}

const clients = CALLERS.map(({ name, id, audiences, exchange }) => {
  const file = path.join(dir, `${name}_client_key`);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = `${id}-${randomBytes(6).toString('base64url')}`;
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
    writeOnce(file, `${JSON.stringify(jwk)}\n`);
  }
  const { d: _private, ...publicJwk } = JSON.parse(readFileSync(file, 'utf8'));
  const grants = exchange ? ['token_exchange', ...SNAPSHOT.grants] : SNAPSHOT.grants;
  return { id, jwks: { keys: [publicJwk] }, audiences, scopes: SNAPSHOT.scopes, grants };
});
const clientsFile = path.join(dir, 'auth_clients');
const text = `${JSON.stringify({ clients }, null, 2)}\n`;
if (!existsSync(clientsFile) || readFileSync(clientsFile, 'utf8') !== text)
  writeOnce(clientsFile, text);
