import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail and the webhook outbox. Events are kept for AUTH_EVENTS_RETENTION_DAYS and
 * deleted in batches; a user's events outlive the user row (no foreign key), as an audit
 * trail must. A webhook delivery is one row per event and endpoint, written in the event's
 * transaction; it points at the event (the payload is built from it) and is ordered per
 * endpoint and user by its id.
 */
export class AuthEvents1765400000000 implements MigrationInterface {
  name = 'AuthEvents1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE auth_events (
        id bigserial PRIMARY KEY,
        type text NOT NULL,
        at timestamptz NOT NULL,
        user_id uuid,
        session_id uuid,
        ip text,
        user_agent text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query('CREATE INDEX auth_events_user_idx ON auth_events (user_id, id)');
    await db.query('CREATE INDEX auth_events_type_idx ON auth_events (type, id)');
    await db.query('CREATE INDEX auth_events_at_idx ON auth_events (at)');
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        event_id bigint NOT NULL REFERENCES auth_events (id) ON DELETE CASCADE,
        endpoint text NOT NULL,
        user_key text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        delivered_at timestamptz,
        failed_at timestamptz,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries
      (endpoint, user_key, id) WHERE delivered_at IS NULL AND failed_at IS NULL`);
    await db.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries
      (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL`);
    await db.query('CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id)');
    await db.query(
      'CREATE INDEX webhook_deliveries_done_idx ON webhook_deliveries (created_at) ' +
        'WHERE delivered_at IS NOT NULL OR failed_at IS NOT NULL',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE webhook_deliveries');
    await db.query('DROP TABLE auth_events');
  }
}
