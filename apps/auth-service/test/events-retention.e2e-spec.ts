import { EventsRetention } from '../src/events/events-retention';
import { startAuthApp } from './harness';
import type { AuthTestApp } from './harness';

describe('auth_events retention: old events deleted in batches, pending webhooks kept', () => {
  let t: AuthTestApp;

  beforeAll(async () => {
    t = await startAuthApp({ AUTH_EVENTS_RETENTION_DAYS: '30' });
  });
  afterAll(() => t.close());

  const count = async (sql: string) => (await t.dataSource.query(sql))[0].n as number;

  it('deletes every event older than the retention (more than one batch), keeps newer ones and those still to deliver', async () => {
    const old = new Date(t.clock.now().getTime() - 31 * 86_400_000);
    const recent = new Date(t.clock.now().getTime() - 29 * 86_400_000);
    await t.dataSource.query(
      `INSERT INTO auth_events (type, at, details)
       SELECT 'login_failed', $1, '{"reason":"unknown_email"}' FROM generate_series(1, 2500)`,
      [old],
    );
    await t.dataSource.query(
      `INSERT INTO auth_events (type, at) SELECT 'logout', $1 FROM generate_series(1, 3)`,
      [recent],
    );
    // An old event whose delivery is still pending, and one whose delivery was given up.
    const [pending, given] = await t.dataSource.query(
      `INSERT INTO auth_events (type, at) VALUES ('logout', $1), ('logout', $1) RETURNING id`,
      [old],
    );
    await t.dataSource.query(
      `INSERT INTO webhook_deliveries (event_id, endpoint, user_key, next_attempt_at, created_at, failed_at)
       VALUES ($1, 'x', '', $3, $3, NULL), ($2, 'x', '', $3, $3, $3)`,
      [pending.id, given.id, old],
    );

    const deleted = await t.app.get(EventsRetention).run();

    expect(deleted).toBe(2501);
    expect(
      await count(`SELECT count(*)::int AS n FROM auth_events WHERE type = 'login_failed'`),
    ).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM auth_events WHERE type = 'logout'`)).toBe(4);
    expect(
      await count(`SELECT count(*)::int AS n FROM auth_events WHERE id = ${Number(pending.id)}`),
    ).toBe(1);
    // The given-up delivery went with its event.
    expect(await count('SELECT count(*)::int AS n FROM webhook_deliveries')).toBe(1);
  });

  it('refuses a retention under one day at start, naming the variable', async () => {
    await expect(startAuthApp({ AUTH_EVENTS_RETENTION_DAYS: '0' })).rejects.toThrow(
      /AUTH_EVENTS_RETENTION_DAYS/,
    );
  });
});
