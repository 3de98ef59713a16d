import jwt from 'jsonwebtoken';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { BENCH_AUDIENCE } from './services';

/**
 * The bench's own client of auth-service's token endpoint (docs/service-identity.md): it
 * exchanges the bench users' tokens, whose `aud` names `bench-service`, for catalog-service,
 * as orders-service does in the stack. Its own id, so the stack list's clients stay untouched.
 */
export interface ExchangeClient {
  id: string;
  audience: string;
  kid: string;
  privateKey: KeyObject;
  /** auth-service's AUTH_CLIENTS_FILE for this run. */
  clientsFile: string;
}

export function writeExchangeClient(file: string): ExchangeClient {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `bench-${randomUUID()}`;
  const client = { id: BENCH_AUDIENCE, audience: 'catalog-service', kid, privateKey };
  const registration = {
    id: client.id,
    jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] },
    audiences: [client.audience],
    scopes: [],
    grants: ['token_exchange'],
  };
  writeFileSync(file, JSON.stringify({ clients: [registration] }), { mode: 0o600 });
  return { ...client, clientsFile: file };
}

/**
 * A fresh `private_key_jwt` assertion (RFC 7523) with the claims ServiceTokens writes:
 * iss = sub = client id, aud = the issuer, one minute, a random jti accepted once.
 */
export function signAssertion(client: ExchangeClient, issuer: string): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { iss: client.id, sub: client.id, aud: issuer, iat: now, exp: now + 60, jti: randomUUID() },
    client.privateKey,
    { algorithm: 'ES256', header: { alg: 'ES256', typ: 'JWT', kid: client.kid } },
  );
}
