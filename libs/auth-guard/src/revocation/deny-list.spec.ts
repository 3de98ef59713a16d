import { performance } from 'node:perf_hooks';
import { DenyList } from './deny-list';
import { tokenOf } from '../../test/feed-helpers';

const RETENTION = 960_000;
const T0 = 1_800_000_000_000;

describe('DenyList', () => {
  it('refuses every token of a revoked session as session_revoked', () => {
    const list = new DenyList(RETENTION);
    list.revokeSession('s1', T0);
    expect(list.check(tokenOf('s1', 'u1'))).toBe('session_revoked');
    expect(list.check(tokenOf('s1', 'u1', 'admin'))).toBe('session_revoked');
    expect(list.check(tokenOf('s2', 'u1'))).toBeUndefined();
  });

  it('marks only tokens carrying another role than the new one as token_stale', () => {
    const list = new DenyList(RETENTION);
    list.markUser('u1', 'admin', T0);
    expect(list.check(tokenOf('s1', 'u1', 'user'))).toBe('token_stale');
    expect(list.check(tokenOf('s1', 'u1', 'admin'))).toBeUndefined();
    expect(list.check(tokenOf('s2', 'u2', 'user'))).toBeUndefined();
  });

  it('marks every token of the user issued in an earlier second than the event as token_stale', () => {
    // An e-mail verification or change is published as a user event with the current role:
    // the role rule cannot see it, the time rule does.
    const list = new DenyList(RETENTION);
    const second = T0 / 1000;
    list.markUser('u1', 'user', T0 + 500);
    expect(list.check(tokenOf('s1', 'u1', 'user', second - 1))).toBe('token_stale');
    expect(list.check(tokenOf('s1', 'u1', 'user', second))).toBeUndefined();
    expect(list.check(tokenOf('s1', 'u1', 'user', second + 1))).toBeUndefined();
    expect(list.check(tokenOf('s2', 'u2', 'user', second - 1))).toBeUndefined();
  });

  it('lets the latest role change win, and ignores an older change delivered late', () => {
    const list = new DenyList(RETENTION);
    list.markUser('u1', 'admin', T0);
    list.markUser('u1', 'user', T0 + 1000);
    expect(list.check(tokenOf('s1', 'u1', 'admin'))).toBe('token_stale');
    list.markUser('u1', 'admin', T0);
    expect(list.check(tokenOf('s1', 'u1', 'admin'))).toBe('token_stale');
    expect(list.check(tokenOf('s1', 'u1', 'user'))).toBeUndefined();
  });

  it('reports a revoked session before a stale role', () => {
    const list = new DenyList(RETENTION);
    list.markUser('u1', 'admin', T0);
    list.revokeSession('s1', T0);
    expect(list.check(tokenOf('s1', 'u1', 'user'))).toBe('session_revoked');
  });

  it('keeps entries for the retention window and sweeps them afterwards', () => {
    const list = new DenyList(RETENTION);
    list.revokeSession('s1', T0);
    list.markUser('u1', 'admin', T0);
    expect(list.sweep(T0 + RETENTION - 1)).toBe(0);
    expect(list.check(tokenOf('s1', 'u1'))).toBe('session_revoked');
    expect(list.sweep(T0 + RETENTION)).toBe(2);
    expect(list.size).toEqual({ sessions: 0, users: 0 });
    expect(list.check(tokenOf('s1', 'u1'))).toBeUndefined();
  });

  it('extends the retention when the same session is revoked again later', () => {
    const list = new DenyList(RETENTION);
    list.revokeSession('s1', T0);
    list.revokeSession('s2', T0 + 10);
    list.revokeSession('s1', T0 + 20);
    expect(list.sweep(T0 + RETENTION + 10)).toBe(1);
    expect(list.check(tokenOf('s1', 'u'))).toBe('session_revoked');
    expect(list.check(tokenOf('s2', 'u'))).toBeUndefined();
  });

  it('applies the same event twice without growing', () => {
    const list = new DenyList(RETENTION);
    list.revokeSession('s1', T0);
    list.revokeSession('s1', T0);
    list.markUser('u1', 'admin', T0);
    list.markUser('u1', 'admin', T0);
    expect(list.size).toEqual({ sessions: 1, users: 1 });
  });

  it('holds 100k revocations, answers for them, and drops all of them after the retention', () => {
    const list = new DenyList(RETENTION);
    const count = 100_000;
    for (let i = 0; i < count; i += 1) list.revokeSession(`session-${i}`, T0 + i);
    for (let i = 0; i < count; i += 1) list.revokeSession(`session-${i}`, T0 + i);
    expect(list.size.sessions).toBe(count);

    const started = performance.now();
    let revoked = 0;
    for (let i = 0; i < count; i += 1) {
      if (list.check(tokenOf(`session-${i}`, 'u')) === 'session_revoked') revoked += 1;
    }
    const perLookupUs = ((performance.now() - started) * 1000) / count;
    // Reported, not asserted: wall-clock time depends on the machine.
    process.stdout.write(`deny-list lookup with ${count} entries: ~${perLookupUs.toFixed(2)} µs\n`);
    expect(revoked).toBe(count);
    expect(list.check(tokenOf('session-unknown', 'u'))).toBeUndefined();

    expect(list.sweep(T0 + RETENTION + count / 2)).toBe(count / 2 + 1);
    expect(list.sweep(T0 + RETENTION + count)).toBe(count / 2 - 1);
    expect(list.size.sessions).toBe(0);
  });

  it('forgets everything on clear()', () => {
    const list = new DenyList(RETENTION);
    list.revokeSession('s1', T0);
    list.markUser('u1', 'admin', T0);
    list.clear();
    expect(list.size).toEqual({ sessions: 0, users: 0 });
  });
});
