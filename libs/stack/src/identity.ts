import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackProcess } from './services';

/**
 * Where the service identities of one stack live: auth-service's AUTH_CLIENTS_FILE, and each
 * calling service's private key (its AUTH_CLIENT_KEY_FILE), by process name.
 */
export interface StackIdentity {
  clientsFile: string;
  keyFiles: Readonly<Record<string, string>>;
}

/**
 * A key pair per service that calls another (those with `client` in the stack list), made
 * once into `dir` and kept (private keys readable by this user only), and the clients file
 * auth-service reads: their public keys and registrations, plus the entries of `extraClients`
 * (an operator's own AUTH_CLIENTS_FILE; on a clash of ids the operator's entry wins).
 */
export function ensureIdentity(
  dir: string,
  processes: readonly StackProcess[],
  extraClients?: string,
): StackIdentity {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFiles: Record<string, string> = {};
  const generated: Record<string, unknown>[] = [];
  for (const p of processes) {
    if (!p.client) continue;
    const file = path.join(dir, `${p.title}.key.json`);
    if (!existsSync(file)) writeKey(file, p.title);
    const { d: _private, ...publicJwk } = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      unknown
    >;
    keyFiles[p.name] = file;
    generated.push({ id: p.title, jwks: { keys: [publicJwk] }, ...p.client });
  }
  const own = extraClients ? readClients(extraClients) : [];
  const ids = new Set<unknown>(own.map((c) => c.id));
  const clientsFile = path.join(dir, 'clients.json');
  const clients = [...generated.filter((c) => !ids.has(c.id)), ...own];
  writeFileSync(clientsFile, `${JSON.stringify({ clients }, null, 2)}\n`, { mode: 0o644 });
  return { clientsFile, keyFiles };
}

function writeKey(file: string, title: string): void {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: `${title}-${randomBytes(6).toString('base64url')}`,
    alg: 'ES256',
    use: 'sig',
  };
  // 'wx': two starts at once cannot both write a key.
  writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
}

function readClients(file: string): { id: string }[] {
  const list = (JSON.parse(readFileSync(file, 'utf8')) as { clients?: unknown }).clients;
  if (!Array.isArray(list)) throw new Error(`${file}: expected { "clients": [ … ] }`);
  return list as { id: string }[];
}

/** The variables `identity` gives process `p`: the clients file, or its own key. */
export function identityEnv(p: StackProcess, identity: StackIdentity): Record<string, string> {
  if (p.name === 'auth') return { AUTH_CLIENTS_FILE: identity.clientsFile };
  const key = identity.keyFiles[p.name];
  return key ? { AUTH_CLIENT_KEY_FILE: key } : {};
}
