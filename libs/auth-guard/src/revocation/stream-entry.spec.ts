import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { signStreamEntry, readStreamEntry, MAX_EVENTS_PER_ENTRY } from './stream-entry';
import type { RevocationEvent } from './protocol';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const auth = pair();
const stranger = pair();
const KEY = { kid: 'auth-1', privateKey: auth.privateKey };
const SCOPE = { stream: 'hybrid-auth:auth:revocations', epoch: 'epoch-1' };
const keyFor = (kid: string): KeyObject | undefined =>
  kid === 'auth-1' ? auth.publicKey : undefined;
const read = (fields: string[], stream = SCOPE.stream) => readStreamEntry(fields, stream, keyFor);

const EVENTS: RevocationEvent[] = [
  { type: 'session', id: '11', sessionId: 's-1', userId: 'u-1', at: 1_800_000_000_000 },
  { type: 'user', id: '12', userId: 'u-1', role: 'admin', at: 1_800_000_000_001 },
];

/** Replaces one field's value, as anyone who can write to Redis could. */
const withField = (fields: string[], name: string, value: string) =>
  fields.map((field, i) => (i % 2 === 1 && fields[i - 1] === name ? value : field));
const payloadOf = (fields: string[]) => fields[fields.indexOf('p') + 1];

describe('signed stream entries', () => {
  it.each<[string, RevocationEvent[]]>([
    ['a batch of events', EVENTS],
    ['a heartbeat', [{ type: 'heartbeat', at: 1_800_000_000_002 }]],
  ])('round-trips %s with the kid that signed it', (_name, events) => {
    const fields = signStreamEntry(events, SCOPE, KEY);
    expect(read(fields)).toEqual({ ok: true, kid: 'auth-1', epoch: 'epoch-1', events });
  });

  it('signs only the fields a guard reads', () => {
    const extra = { ...EVENTS[0], note: 'not published' } as unknown as RevocationEvent;
    const fields = signStreamEntry([extra], SCOPE, KEY);
    expect(payloadOf(fields)).not.toContain('not published');
    expect(read(fields)).toMatchObject({ ok: true, events: [EVENTS[0]] });
  });

  it('signs the role and time of a user event that keeps the role, and no cause', () => {
    // A verified or changed e-mail address: the deny-list needs the user's current role and
    // the event's `at` (tokens issued in earlier seconds are stale); the cause stays at home.
    const event: RevocationEvent = { type: 'user', id: '13', userId: 'u-1', role: 'user', at: 7 };
    const fields = signStreamEntry(
      [{ ...event, reason: 'email_verified' } as RevocationEvent],
      SCOPE,
      KEY,
    );
    expect(payloadOf(fields)).not.toContain('email_verified');
    expect(read(fields)).toEqual({ ok: true, kid: 'auth-1', epoch: 'epoch-1', events: [event] });
  });

  it('refuses to sign an empty or oversized batch', () => {
    expect(() => signStreamEntry([], SCOPE, KEY)).toThrow();
    const many = Array.from({ length: MAX_EVENTS_PER_ENTRY + 1 }, () => EVENTS[0]);
    expect(() => signStreamEntry(many, SCOPE, KEY)).toThrow();
  });

  const signed = signStreamEntry(EVENTS, SCOPE, KEY);
  const demoted = JSON.stringify({
    s: SCOPE.stream,
    e: 'epoch-1',
    ev: [{ ...EVENTS[1], role: 'user' }],
  });
  // A later `at` would make more of the user's tokens stale.
  const postdated = JSON.stringify({
    s: SCOPE.stream,
    e: 'epoch-1',
    ev: [{ ...EVENTS[1], at: 9e12 }],
  });

  it.each<[string, string[], string]>([
    [
      'the old unsigned format',
      ['e', 'epoch-1', 't', 'session', 'at', '1', 'sid', 's-1'],
      'unsigned',
    ],
    ['no signature', signed.slice(0, 6), 'unsigned'],
    ['another format version', withField(signed, 'v', '1'), 'unsigned'],
    ['a signature that is not 64 bytes', withField(signed, 'sig', 'AAAA'), 'malformed'],
    ['a kid nobody published', withField(signed, 'kid', 'forged-kid'), 'unknown_kid'],
    ['a payload changed after signing (role)', withField(signed, 'p', demoted), 'bad_signature'],
    ['a payload changed after signing (at)', withField(signed, 'p', postdated), 'bad_signature'],
    [
      'a signature by another key under our kid',
      signStreamEntry(EVENTS, SCOPE, { kid: 'auth-1', privateKey: stranger.privateKey }),
      'bad_signature',
    ],
    [
      'a signature moved from another entry',
      withField(signed, 'sig', signStreamEntry([EVENTS[0]], SCOPE, KEY)[7]),
      'bad_signature',
    ],
  ])('ignores an entry with %s', (_name, fields, reason) => {
    expect(read(fields)).toMatchObject({ ok: false, reason });
  });

  it("ignores an entry signed for another deployment's stream", () => {
    const other = signStreamEntry(EVENTS, { ...SCOPE, stream: 'staging:auth:revocations' }, KEY);
    expect(read(other)).toMatchObject({ ok: false, reason: 'foreign_stream' });
    expect(read(other, 'staging:auth:revocations')).toMatchObject({ ok: true });
  });

  it('ignores a validly signed payload that is malformed', () => {
    // Only a bug in the signer could produce this; the reader still refuses it.
    const bad = [
      { type: 'user', id: '1', userId: 'u-1', role: 'root', at: 1 },
    ] as unknown as RevocationEvent[];
    expect(read(signStreamEntry(bad, SCOPE, KEY))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});
