import { decodeEvent, encodeEvent, revocationKeys } from './protocol';
import type { RevocationEvent } from './protocol';

const EPOCH = 'epoch-1';

describe('revocation protocol', () => {
  it.each<RevocationEvent>([
    { type: 'session', id: 'ev-1', sessionId: 's-1', userId: 'u-1', at: 1_800_000_000_000 },
    { type: 'user', id: 'ev-2', userId: 'u-1', role: 'admin', at: 1_800_000_000_001 },
    { type: 'user', id: 'ev-3', userId: 'u-2', role: 'user', at: 0 },
    { type: 'heartbeat', at: 1_800_000_000_002 },
  ])('round-trips a $type event through XADD fields', (event) => {
    const fields = encodeEvent(event, EPOCH);
    expect(fields.length % 2).toBe(0);
    expect(fields.every((field) => typeof field === 'string')).toBe(true);
    expect(decodeEvent(fields)).toEqual({ epoch: EPOCH, event });
  });

  it('ignores unknown fields and reads fields in any order', () => {
    const fields = ['x', 'y', 'at', '5', 'sid', 's-1', 't', 'session', 'e', EPOCH];
    expect(decodeEvent(fields)).toEqual({
      epoch: EPOCH,
      event: { type: 'session', id: '', sessionId: 's-1', userId: '', at: 5 },
    });
  });

  it.each<[string, string[]]>([
    ['no fields', []],
    ['an odd field list without a value for at', ['e', EPOCH, 't', 'heartbeat', 'at']],
    ['no epoch', ['t', 'heartbeat', 'at', '1']],
    ['an empty epoch', ['e', '', 't', 'heartbeat', 'at', '1']],
    ['no at', ['e', EPOCH, 't', 'heartbeat']],
    ['an empty at', ['e', EPOCH, 't', 'heartbeat', 'at', '']],
    ['a blank at', ['e', EPOCH, 't', 'session', 'at', ' ', 'sid', 's-1']],
    ['a non-numeric at', ['e', EPOCH, 't', 'heartbeat', 'at', 'soon']],
    ['an infinite at', ['e', EPOCH, 't', 'heartbeat', 'at', 'Infinity']],
    ['an unknown type', ['e', EPOCH, 't', 'password', 'at', '1']],
    ['no type', ['e', EPOCH, 'at', '1']],
    ['a session event without sid', ['e', EPOCH, 't', 'session', 'at', '1', 'sub', 'u']],
    ['a session event with an empty sid', ['e', EPOCH, 't', 'session', 'at', '1', 'sid', '']],
    ['a user event without sub', ['e', EPOCH, 't', 'user', 'at', '1', 'role', 'admin']],
    ['a user event without role', ['e', EPOCH, 't', 'user', 'at', '1', 'sub', 'u']],
    [
      'a user event with role root',
      ['e', EPOCH, 't', 'user', 'at', '1', 'sub', 'u', 'role', 'root'],
    ],
  ])('ignores an entry with %s', (_name, fields) => {
    expect(decodeEvent(fields)).toBeUndefined();
  });

  it('decodes a user event whatever its cause, as long as it carries the current role', () => {
    // A verified or changed e-mail address is a user event too; a cause on the wire (should one
    // be added) must not make older guards drop it.
    const fields = ['e', 'ep', 't', 'user', 'at', '5', 'id', '9', 'sub', 'u1', 'role', 'user'];
    const expected = { type: 'user', id: '9', userId: 'u1', role: 'user', at: 5 };
    expect(decodeEvent(fields)?.event).toEqual(expected);
    expect(decodeEvent([...fields, 'why', 'email_verified'])?.event).toEqual(expected);
  });

  it('names every key after the stream', () => {
    const keys = revocationKeys('test:abc:revocations');
    expect(keys).toMatchObject({
      stream: 'test:abc:revocations',
      epoch: 'test:abc:revocations:epoch',
    });
    expect(keys.published('ev-1')).toBe('test:abc:revocations:published:ev-1');
    expect(revocationKeys().stream).toBe('auth:revocations');
  });
});
