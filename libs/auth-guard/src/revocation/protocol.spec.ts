import { REDIS_PREFIX_PATTERN, parseOutboxEvent, parseSnapshot, revocationKeys } from './protocol';

describe('revocation protocol', () => {
  it('names every key after the deployment prefix and the stream', () => {
    const keys = revocationKeys('test:abc:revocations', 'tenant-a:');
    expect(keys).toMatchObject({
      stream: 'tenant-a:test:abc:revocations',
      epoch: 'tenant-a:test:abc:revocations:epoch',
    });
    expect(keys.published('ev-1')).toBe('tenant-a:test:abc:revocations:published:ev-1');
    expect(revocationKeys().stream).toBe('hybrid-auth:auth:revocations');
  });

  it.each(['hybrid-auth:', 'prod:', 'a:', 'staging.eu-1:', 'team_a:'])(
    'accepts the key prefix %s',
    (prefix) => expect(REDIS_PREFIX_PATTERN.test(prefix)).toBe(true),
  );

  it.each([
    ['empty', ''],
    ['without the closing colon', 'prod'],
    ['two segments (its ACL glob would cover another deployment)', 'a:b:'],
    ['a glob character', 'prod*:'],
    ['a space', 'my app:'],
    ['a leading colon', ':prod:'],
    ['too long', `${'a'.repeat(64)}:`],
  ])('refuses a key prefix that is %s', (_name, prefix) => {
    expect(REDIS_PREFIX_PATTERN.test(prefix)).toBe(false);
  });

  it('parses a snapshot all or nothing', () => {
    const event = { type: 'session', id: '7', sessionId: 's-1', userId: 'u-1', at: 5 };
    expect(parseSnapshot({ asOf: 9, events: [event] })).toEqual({ asOf: 9, events: [event] });
    expect(parseSnapshot({ asOf: 9, events: [event, { ...event, at: -1 }] })).toBeUndefined();
  });

  it('reads a user event whatever its cause, as long as it carries the current role', () => {
    // A verified or changed e-mail address is a user event too; a cause sent along (should one
    // be added) must not make a guard drop it.
    const event = { type: 'user', id: '9', userId: 'u1', role: 'user', at: 5 };
    expect(parseOutboxEvent(event)).toEqual(event);
    expect(parseOutboxEvent({ ...event, reason: 'email_verified' })).toEqual(event);
  });
});
