import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** A machine client of a test: its registration and its private key. */
export interface TestClient {
  id: string;
  privateKey: KeyObject;
  kid: string;
  registration: Record<string, unknown>;
}

export function testClient(
  id: string,
  registration: { audiences: string[]; grants: string[]; scopes?: string[]; disabled?: boolean },
): TestClient {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `${id}-${randomUUID().slice(0, 8)}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  return { id, privateKey, kid, registration: { id, jwks: { keys: [jwk] }, ...registration } };
}

/** Writes an AUTH_CLIENTS_FILE for these clients; returns its path. */
export function writeClientsFile(clients: TestClient[], path?: string): string {
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'clients-')), 'clients.json');
  writeFileSync(file, JSON.stringify({ clients: clients.map((c) => c.registration) }));
  return file;
}

/** A client assertion (RFC 7523), valid unless `claims` or `header` say otherwise. */
export function assertion(
  client: TestClient,
  audience: string,
  options: {
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    key?: KeyObject;
  } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const signer = new TestTokenSigner(
    'unused',
    'unused',
    client.kid,
    options.key ?? client.privateKey,
  );
  return signer.raw(
    { alg: 'ES256', kid: client.kid, ...options.header },
    {
      iss: client.id,
      sub: client.id,
      aud: audience,
      iat: now,
      exp: now + 60,
      jti: randomUUID(),
      ...options.claims,
    },
  );
}
