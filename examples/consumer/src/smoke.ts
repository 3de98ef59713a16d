// Boots the example on Express against a JWKS published by a test signer from the package's
// ./testing entry, and checks what a consuming team relies on. Exits non-zero on any mismatch.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TestTokenSigner } from '@hybrid-auth/auth-guard/testing';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const signer = new TestTokenSigner('hybrid-auth', 'inventory-service');
  const jwks = createServer((_req, res) =>
    res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: signer.jwks })),
  );
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  const app = await NestFactory.create(AppModule.register(jwksUrl), { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const get = (path: string, token?: string, method = 'GET') =>
    fetch(`${base}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const checks: [string, Promise<boolean>][] = [
    ['public route open', get('/inventory/items').then((r) => r.status === 200)],
    [
      'no token: 401 missing_token',
      get('/inventory/me').then(
        async (r) => r.status === 401 && (await r.json()).code === 'missing_token',
      ),
    ],
    [
      'valid token: 200 with the user',
      get('/inventory/me', signer.token({ role: 'user' })).then((r) => r.status === 200),
    ],
    [
      'other audience: 401 invalid_token',
      get('/inventory/me', signer.token({ audience: ['billing-service'] })).then(
        (r) => r.status === 401,
      ),
    ],
    [
      'user on an admin route: 403',
      get('/inventory/items', signer.token({ role: 'user' }), 'POST').then((r) => r.status === 403),
    ],
    [
      'admin on an admin route: 201',
      get('/inventory/items', signer.token({ role: 'admin' }), 'POST').then(
        (r) => r.status === 201,
      ),
    ],
  ];
  let failed = 0;
  for (const [name, check] of checks) {
    const ok = await check.catch(() => false);
    if (!ok) failed += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  }
  await app.close();
  jwks.close();
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
