import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '@hybrid-auth/auth-guard';
import { ApiError, notFound } from '@hybrid-auth/platform';
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';
import { AuthEvents } from '../events/auth-events.service';
import { UsersService } from '../users/users.service';
import type { PasskeyDto } from './passkeys.dto';
import { WebAuthnChallenges } from './webauthn-challenges';

/** A user may keep this many passkeys: bounds the rows and the options' exclude list. */
export const MAX_PASSKEYS_PER_USER = 20;

/** The WebAuthn user handle: the user's UUID as its 16 bytes (no e-mail address in it). */
export const userHandle = (userId: string) => Buffer.from(userId.replace(/-/g, ''), 'hex');

const notVerified = () =>
  new ApiError(400, 'validation_failed', 'The passkey could not be verified', {
    details: [{ field: 'response', problems: ['not a valid answer to a current challenge'] }],
  });

/**
 * Registering, listing and removing passkeys, through `@simplewebauthn/server` (which checks
 * the challenge, origin, rp id hash, flags and attestation; we ask for no attestation: a
 * passkey here proves possession, not a make of device). User verification is required, so
 * a passkey is something you have plus a PIN or biometric: `aal2` on its own. Adding and
 * removing one write `passkey_added` / `passkey_removed` in the same transaction.
 */
@Injectable()
export class PasskeysService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly challenges: WebAuthnChallenges,
    private readonly events: AuthEvents,
  ) {}

  async registrationOptions(user: AuthUser): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const found = await this.users.findById(user.userId);
    if (!found) throw notFound('User');
    const existing = await this.credentialsOf(user.userId);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw new ApiError(400, 'validation_failed', 'Too many passkeys: remove one first', {
        details: [{ field: 'passkeys', problems: [`at most ${MAX_PASSKEYS_PER_USER}`] }],
      });
    }
    const { rpId, rpName } = this.config.webauthn;
    const options = await generateRegistrationOptions({
      rpName,
      rpID: rpId,
      userName: found.email,
      userID: userHandle(user.userId),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: c.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await this.challenges.issue(options.challenge, 'register', user.userId, this.clock.now());
    return options;
  }

  async register(user: AuthUser, response: unknown, name: string | undefined): Promise<PasskeyDto> {
    const now = this.clock.now();
    const { rpId, origin } = this.config.webauthn;
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: (challenge) =>
        this.challenges.consume(challenge, 'register', user.userId, now),
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserVerification: true,
    }).catch(() => undefined);
    if (!verified?.verified) throw notVerified();
    const { credential } = verified.registrationInfo;
    const row = await this.dataSource.transaction(async (tx) => {
      const rows: PasskeyRow[] = await tx.query(
        `INSERT INTO passkeys (user_id, credential_id, public_key, counter, transports, name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (credential_id) DO NOTHING
         RETURNING id, name, created_at, last_used_at`,
        [
          user.userId,
          credential.id,
          Buffer.from(credential.publicKey),
          credential.counter,
          credential.transports ?? [],
          name ?? `Passkey ${now.toISOString().slice(0, 10)}`,
          now,
        ],
      );
      if (rows[0]) await this.recordChange(tx, 'passkey_added', user, rows[0].id, now);
      return rows[0];
    });
    if (!row) throw notVerified();
    return toDto(row);
  }

  async list(userId: string): Promise<PasskeyDto[]> {
    const rows: PasskeyRow[] = await this.dataSource.query(
      `SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = $1
       ORDER BY created_at`,
      [userId],
    );
    return rows.map(toDto);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const now = this.clock.now();
    const removed = await this.dataSource.transaction(async (tx) => {
      const rows: unknown[] = await tx.query(
        `WITH gone AS (DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING 1)
         SELECT * FROM gone`,
        [id, user.userId],
      );
      if (rows.length === 0) return false;
      await this.recordChange(tx, 'passkey_removed', user, id, now);
      return true;
    });
    if (!removed) throw notFound('Passkey');
  }

  /** The passkey's id, never its name (the user's own words) nor anything of the key. */
  private recordChange(
    tx: EntityManager,
    type: 'passkey_added' | 'passkey_removed',
    user: AuthUser,
    passkeyId: string,
    now: Date,
  ): Promise<void> {
    const event = { type, userId: user.userId, sessionId: user.sessionId, details: { passkeyId } };
    return this.events.record(tx, event, now);
  }

  private credentialsOf(
    userId: string,
  ): Promise<{ credential_id: string; transports: string[] }[]> {
    return this.dataSource.query(
      'SELECT credential_id, transports FROM passkeys WHERE user_id = $1',
      [userId],
    );
  }
}

interface PasskeyRow {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

const toDto = (row: PasskeyRow): PasskeyDto => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});
