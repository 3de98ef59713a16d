import type { DataSource } from 'typeorm';

/** How often each replica looks for old rows (and once at start). */
export const MAIL_CLEANUP_EVERY_MS = 10 * 60_000;
/** A sent mail is kept an hour (enough to look into a delivery), then deleted. */
export const SENT_MAIL_KEPT_MS = 3_600_000;
/** A mail given up is kept a week (to look into why), then deleted. */
export const GIVEN_UP_MAIL_KEPT_MS = 7 * 86_400_000;
/** A link token is kept a day after it was used or expired: it can do nothing more by then. */
export const SPENT_TOKEN_KEPT_MS = 86_400_000;
const BATCH = 1000;
const MAX_BATCHES = 100;

/**
 * Deletes what the mail tables no longer need: mails the SMTP server accepted or that were
 * given up, and link tokens used or expired. A mail still being retried is never deleted.
 * In batches, each its own short statement on an index (migration 1765200000000): no long
 * lock and each well inside the statement timeout, however much there is; at most
 * MAX_BATCHES a run, the rest on the next. Returns how many rows went.
 */
export async function cleanUpMail(
  db: DataSource,
  now: Date,
  stopped: () => boolean,
): Promise<number> {
  const sentBefore = new Date(now.getTime() - SENT_MAIL_KEPT_MS);
  const spentBefore = new Date(now.getTime() - SPENT_TOKEN_KEPT_MS);
  const givenUpBefore = new Date(now.getTime() - GIVEN_UP_MAIL_KEPT_MS);
  const statements: [string, Date][] = [
    [
      `DELETE FROM mail_outbox WHERE id IN
         (SELECT id FROM mail_outbox WHERE sent_at < $1 LIMIT ${BATCH})`,
      sentBefore,
    ],
    [
      `DELETE FROM mail_outbox WHERE id IN
         (SELECT id FROM mail_outbox WHERE given_up_at < $1 LIMIT ${BATCH})`,
      givenUpBefore,
    ],
    [
      `DELETE FROM email_tokens WHERE token_hash IN
         (SELECT token_hash FROM email_tokens WHERE expires_at < $1 LIMIT ${BATCH})`,
      spentBefore,
    ],
    [
      `DELETE FROM email_tokens WHERE token_hash IN
         (SELECT token_hash FROM email_tokens WHERE used_at < $1 LIMIT ${BATCH})`,
      spentBefore,
    ],
  ];
  let total = 0;
  for (const [sql, horizon] of statements) {
    for (let round = 0; round < MAX_BATCHES && !stopped(); round += 1) {
      const [, deleted] = (await db.query(sql, [horizon])) as [unknown, number];
      total += deleted;
      if (deleted < BATCH) break;
    }
  }
  return total;
}
