import { dropDatabase, ensureDatabase, withDatabase } from '@hybrid-auth/database';
import { Client } from 'pg';

/** The shared PostgreSQL server; the bench only ever creates and drops databases of its own. */
export const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface SessionRow {
  id: string;
  userId: string;
  role: 'user' | 'admin';
}

/** Databases of one run, all named after its id so a crashed run's leftovers are recognisable. */
export class BenchDatabases {
  private readonly created: string[] = [];

  constructor(private readonly runId: string) {}

  async create(purpose: string): Promise<string> {
    const url = withDatabase(POSTGRES_URL, `${this.runId}_${purpose}`);
    await ensureDatabase(url);
    this.created.push(url);
    return url;
  }

  async dropAll(): Promise<void> {
    for (const url of this.created.splice(0)) await dropDatabase(url).catch(() => undefined);
  }
}

/**
 * The session-only strategy's table: a primary-key lookup by an opaque session id. A filler
 * of `filler` rows makes the index a realistic size rather than a handful of rows in one page.
 */
export async function seedSessionTable(
  url: string,
  rows: SessionRow[],
  filler: number,
): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE sessions (
      id text PRIMARY KEY, user_id uuid NOT NULL, role text NOT NULL,
      expires_at timestamptz NOT NULL, revoked_at timestamptz)`);
    await client.query(
      `INSERT INTO sessions (id, user_id, role, expires_at)
       SELECT md5(i::text || random()::text), gen_random_uuid(), 'user', now() + interval '30 days'
       FROM generate_series(1, $1::int) AS i`,
      [filler],
    );
    await client.query(
      `INSERT INTO sessions (id, user_id, role, expires_at)
       SELECT id, user_id, role, now() + interval '30 days'
       FROM unnest($1::text[], $2::uuid[], $3::text[]) AS t(id, user_id, role)`,
      [rows.map((r) => r.id), rows.map((r) => r.userId), rows.map((r) => r.role)],
    );
    await client.query('ANALYZE sessions');
  } finally {
    await client.end();
  }
}

/**
 * Committed + rolled-back transactions of one database so far. PostgreSQL publishes these
 * from each backend at most once a second, and up to 10 s late for an idle backend: callers
 * read it only at section boundaries, after `settledTransactions` waited for the count to stop moving.
 */
export async function transactionCount(url: string): Promise<number> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    const { rows } = await client.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [decodeURIComponent(name)],
    );
    return Number(rows[0]?.n ?? Number.NaN);
  } finally {
    await client.end();
  }
}

/**
 * Waits until every backend has published its counters (an idle backend may wait 10 s),
 * then returns the transaction count and the background rate (auth-service's relay commits
 * about once a second even when idle), measured over `idleMs` without load.
 */
export async function settledTransactions(
  url: string,
  idleMs: number,
  settleMs: number,
): Promise<{ count: number; idlePerSecond: number }> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const before = await transactionCount(url);
  if (idleMs <= 0) return { count: before, idlePerSecond: 0 };
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const after = await transactionCount(url);
  return { count: after, idlePerSecond: ((after - before) * 1000) / idleMs };
}
