import { createLocalJWKSet } from 'jose';
import type { JSONWebKeySet, JWK } from 'jose';

/** The grants a client may be registered for (docs/service-identity.md). */
export const GRANTS = ['token_exchange', 'client_credentials'] as const;
export type Grant = (typeof GRANTS)[number];

export interface RegisteredClient {
  id: string;
  /** Its public keys, as registered: client assertions must verify with one of them. */
  jwks: JSONWebKeySet;
  /** Services it may ask tokens for (token exchange: one of them; client credentials: all). */
  audiences: string[];
  /** Scopes of its client-credentials tokens. */
  scopes: string[];
  grants: Grant[];
  disabled: boolean;
  /** jose's key lookup by `kid` over `jwks`, built once. */
  keys: ReturnType<typeof createLocalJWKSet>;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;
const MAX_CLIENTS = 1000;
const MAX_KEYS = 10;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * Reads the AUTH_CLIENTS_FILE document, `{ "clients": [ … ] }`, refusing anything doubtful
 * with a message naming the client and the field: a typo must stop the start, not open a door.
 * Client ids never look like UUIDs, so a machine `sub` can never be taken for a user's.
 */
export function parseClients(document: unknown, source: string): RegisteredClient[] {
  const fail = (problem: string): never => {
    throw new Error(`${source}: ${problem}`);
  };
  const list = (document as { clients?: unknown } | null)?.clients;
  if (!Array.isArray(list)) fail('expected { "clients": [ … ] }');
  if ((list as unknown[]).length > MAX_CLIENTS) fail(`at most ${MAX_CLIENTS} clients`);
  const seen = new Set<string>();
  return (list as unknown[]).map((entry, index) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const id = e.id;
    if (typeof id !== 'string' || !ID.test(id) || UUID.test(id)) {
      return fail(`clients[${index}].id must be 1-64 letters, digits, . _ - and not a UUID`);
    }
    const where = `client ${id}`;
    if (seen.has(id)) fail(`${where} is listed twice`);
    seen.add(id);
    const jwks = readJwks(e.jwks, where, fail);
    const audiences = strings(e.audiences, `${where}: audiences`, fail, ID);
    const scopes = strings(e.scopes ?? [], `${where}: scopes`, fail, SCOPE);
    const grants = strings(
      e.grants,
      `${where}: grants`,
      fail,
      /^(token_exchange|client_credentials)$/,
    );
    if (grants.length === 0)
      fail(`${where}: grants must name token_exchange or client_credentials`);
    if (audiences.length === 0) fail(`${where}: audiences must name at least one service`);
    if (e.disabled !== undefined && typeof e.disabled !== 'boolean') {
      fail(`${where}: disabled must be true or false`);
    }
    return {
      id,
      jwks,
      audiences,
      scopes,
      grants: grants as Grant[],
      disabled: e.disabled === true,
      keys: createLocalJWKSet(jwks),
    };
  });
}

function readJwks(value: unknown, where: string, fail: (p: string) => never): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    fail(`${where}: jwks must be { "keys": [ 1 to ${MAX_KEYS} public keys ] }`);
  }
  for (const key of keys as JWK[]) {
    if (typeof key !== 'object' || key === null) fail(`${where}: a key is not an object`);
    if (PRIVATE_MEMBERS.some((member) => member in key)) {
      fail(`${where}: jwks holds a private key; register the public half only`);
    }
    // The algorithm is pinned to ES256, like the access tokens.
    if (
      key.kty !== 'EC' ||
      key.crv !== 'P-256' ||
      typeof key.x !== 'string' ||
      typeof key.y !== 'string'
    ) {
      fail(`${where}: keys must be EC P-256 public keys (ES256)`);
    }
    if (key.alg !== undefined && key.alg !== 'ES256') fail(`${where}: key alg must be ES256`);
  }
  return { keys: keys as JWK[] };
}

function strings(
  value: unknown,
  where: string,
  fail: (p: string) => never,
  pattern: RegExp,
): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !pattern.test(v))) {
    fail(`${where} must be a list of names`);
  }
  return [...new Set(value as string[])];
}
