import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';

export type EmailTokenPurpose = 'verify' | 'reset' | 'change';

export interface SpentEmailToken {
  userId: string;
  purpose: EmailTokenPurpose;
  /** The address the link was sent to: the user's at the time, or the new one for a change. */
  email: string;
}

/** 256 random bits, base64url: far above the 128 the contract asks for. */
export const newLinkToken = (): string => randomBytes(32).toString('base64url');

export const hashLinkToken = (token: string): Buffer =>
  createHash('sha256').update(token, 'utf8').digest();

/**
 * Single-use link tokens. Only the SHA-256 of a token is stored: the database alone cannot
 * produce a working link. Spending is one UPDATE guarded by `used_at IS NULL`, so two
 * racing requests with the same token cannot both succeed.
 */
@Injectable()
export class EmailTokens {
  async issue(
    tx: Pick<EntityManager, 'query'>,
    token: string,
    link: { userId: string; purpose: EmailTokenPurpose; email: string },
    now: Date,
    ttlSeconds: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        hashLinkToken(token),
        link.userId,
        link.purpose,
        link.email,
        new Date(now.getTime() + ttlSeconds * 1000),
        now,
      ],
    );
  }

  /** Spends a live token of one of `purposes`; undefined when unknown, used, expired or other. */
  async spend(
    tx: Pick<EntityManager, 'query'>,
    token: string,
    purposes: EmailTokenPurpose[],
    now: Date,
  ): Promise<SpentEmailToken | undefined> {
    const rows: SpentEmailToken[] = await tx.query(
      `WITH spent AS (
         UPDATE email_tokens SET used_at = $3
         WHERE token_hash = $1 AND purpose = ANY($2::text[]) AND used_at IS NULL AND expires_at > $3
         RETURNING user_id, purpose, email)
       SELECT user_id AS "userId", purpose, email FROM spent`,
      [hashLinkToken(token), purposes, now],
    );
    return rows[0];
  }
}
