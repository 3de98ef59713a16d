import { es256Compact, invalid, segment } from './hostile-jws';
import type { CorpusContext, HostileToken } from './hostile-jws';

type Claims = Record<string, unknown>;

/**
 * Correctly signed tokens whose claims are missing, of the wrong type, for someone else or
 * outside the time rules. Times are relative to `ctx.now` and clear any leeway up to the
 * 60 s the contract allows; lifetimes stay within 300 s so a service's configured maximum
 * does not change the expected code.
 */
export function badClaims(ctx: CorpusContext): HostileToken[] {
  const { now } = ctx;
  const day = 86_400;
  const changed = (name: string, claims: Claims) =>
    invalid(name, ctx.signer.raw(ctx.header, { ...ctx.claims, ...claims }));
  const without = (name: string, claim: string) => {
    const claims: Claims = { ...ctx.claims };
    delete claims[claim];
    return invalid(name, ctx.signer.raw(ctx.header, claims));
  };
  const rawPayload = (name: string, json: string) =>
    invalid(
      name,
      es256Compact(
        segment(ctx.header),
        Buffer.from(json).toString('base64url'),
        ctx.signer.privateKey,
      ),
    );
  const base = JSON.stringify({ ...ctx.claims, exp: 0 });
  return [
    without('missing exp', 'exp'),
    changed('non-numeric exp', { exp: String(now + 300) }),
    changed('negative exp', { exp: -1 }),
    changed('exp 0', { exp: 0, iat: 0 }),
    rawPayload('exp 1e999 (parses to Infinity)', base.replace('"exp":0', '"exp":1e999')),
    changed('absurd exp (1e300)', { exp: 1e300 }),
    changed('exp 30 days after iat', { exp: now + 30 * day }),
    changed('exp equal to iat', { exp: now }),
    without('missing iat', 'iat'),
    changed('iat one hour in the future', { iat: now + 3600, exp: now + 3900 }),
    changed('non-numeric iat', { iat: String(now) }),
    changed('nbf one hour ahead', { nbf: now + 3600 }),
    changed('non-numeric nbf', { nbf: 'now' }),
    without('missing iss', 'iss'),
    changed('wrong iss', { iss: 'https://evil.example' }),
    changed('iss with a trailing slash', { iss: `${ctx.signer.issuer}/` }),
    changed('iss in upper case', { iss: ctx.signer.issuer.toUpperCase() }),
    without('missing aud', 'aud'),
    changed('aud of a sibling service only', {
      aud: [`${ctx.audience}-sibling`, 'billing-service-x'],
    }),
    changed('aud as a sibling string', { aud: `not-${ctx.audience}` }),
    changed('empty aud', { aud: [] }),
    changed('aud nested in an array', { aud: [[ctx.audience]] }),
    changed('aud as an object', { aud: { [ctx.audience]: true } }),
    without('missing sub', 'sub'),
    changed('numeric sub', { sub: 1 }),
    changed('empty sub', { sub: '' }),
    without('missing sid', 'sid'),
    changed('null sid', { sid: null }),
    without('missing jti', 'jti'),
    without('missing role', 'role'),
    changed('role superadmin', { role: 'superadmin' }),
    changed('role ADMIN', { role: 'ADMIN' }),
  ];
}

/** Correct in every way except that they have expired (beyond any leeway). */
export function expired(ctx: CorpusContext): HostileToken[] {
  const sign = (name: string, iat: number, exp: number): HostileToken => ({
    name,
    token: ctx.signer.raw(ctx.header, { ...ctx.claims, iat, exp }),
    code: 'token_expired',
  });
  return [
    sign('expired 2 minutes ago', ctx.now - 300, ctx.now - 120),
    sign('expired a year ago', ctx.now - 365 * 86_400 - 300, ctx.now - 365 * 86_400),
  ];
}

/**
 * Service identity: correctly signed tokens that are exchanged for another service, machine
 * (client-credentials) tokens, and `act` claims auth-service never writes. A guard accepts
 * an exchanged token only when its `aud` names the guard's own audience.
 */
export function serviceIdentity(ctx: CorpusContext): HostileToken[] {
  const changed = (name: string, claims: Claims) =>
    invalid(name, ctx.signer.raw(ctx.header, { ...ctx.claims, ...claims }));
  const machine: Claims = { ...ctx.claims, sub: 'orders-service', client_id: 'orders-service' };
  delete machine.sid;
  delete machine.role;
  return [
    changed('exchanged token for another service', {
      aud: [`${ctx.audience}-other`],
      act: { sub: 'orders-service' },
    }),
    changed('exchanged token for auth-service', {
      aud: ['auth-service'],
      act: { sub: 'orders-service' },
    }),
    invalid('client-credentials token', ctx.signer.raw(ctx.header, { ...machine, scope: 'x' })),
    changed('act as a string', { act: 'orders-service' }),
    changed('act with a numeric sub', { act: { sub: 42 } }),
    changed('act without sub', { act: {} }),
    changed('act as an array', { act: [{ sub: 'orders-service' }] }),
    changed('act with a nested actor', {
      act: { sub: 'orders-service', act: { sub: 'billing-service' } },
    }),
    changed('act.sub with a space', { act: { sub: 'orders service' } }),
    changed('act null', { act: null }),
  ];
}
