import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError } from '@hybrid-auth/platform';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { DataSource } from 'typeorm';
import { tokenResult } from '../auth/auth.service';
import type { TokenResult } from '../auth/auth.service';
import { RateLimiter } from '../auth/rate-limiter';
import { throttleKeys } from '../auth/throttle-keys';
import { CLOCK } from '../clock';
import type { Clock } from '../clock';
import { AUTH_CONFIG } from '../config/auth.config';
import { AuthEvents } from '../events/auth-events.service';
import type { AuthConfig } from '../config/auth.config';
import { SessionsService } from '../sessions/sessions.service';
import type { ClientInfo } from '../sessions/sessions.service';
import { AccessTokensService } from '../tokens/access-tokens.service';
import { UsersService } from '../users/users.service';
import { userHandle } from './passkeys.service';
import { WebAuthnChallenges } from './webauthn-challenges';

interface StoredPasskey {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: Buffer;
  counter: string;
  transports: string[];
}

const refused = () => new ApiError(401, 'invalid_credentials', 'The passkey was not accepted');

/** Why a passkey sign-in was refused, as `details.reason` of its `login_failed`. */
type PasskeyRefusal =
  | 'unknown_passkey'
  | 'passkey_not_verified'
  | 'passkey_counter'
  | 'disabled'
  | 'credentials_changed';

class Refusal {
  constructor(
    readonly reason: PasskeyRefusal,
    readonly passkey?: StoredPasskey,
  ) {}
}

/**
 * Sign-in with a passkey alone: a new session at `aal2`, `amr: ["webauthn"]`. Both steps are
 * open to anyone, so both are counted per client IP before any work (a database row for the
 * options, a signature check for the answer). The challenge is spent before the signature
 * is checked, the signature counter only moves forward (one conditional UPDATE, so a cloned
 * authenticator racing the original loses), and the page's origin must be AUTH_PUBLIC_URL's.
 */
@Injectable()
export class PasskeyLoginService {
  private readonly logger = new Logger('PasskeyLogin');

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly limiter: RateLimiter,
    private readonly challenges: WebAuthnChallenges,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokensService,
    private readonly events: AuthEvents,
  ) {}

  async options(ip: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    await this.throttle(ip);
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      userVerification: 'required',
    });
    await this.challenges.issue(options.challenge, 'login', null, this.clock.now());
    return options;
  }

  /**
   * A refusal past the shape check is recorded as `login_failed` (method webauthn, the reason,
   * the passkey's id when known), right after the decision, as a wrong password is: a counter
   * that went backwards is how a copied authenticator shows. Bounded by the throttle above.
   */
  async login(response: unknown, client: ClientInfo & { ip: string }): Promise<TokenResult> {
    await this.throttle(client.ip);
    const answer = response as Partial<AuthenticationResponseJSON>;
    if (typeof answer.id !== 'string' || answer.id.length > 1024) throw refused();
    const now = this.clock.now();
    try {
      return await this.attempt(answer as AuthenticationResponseJSON, client, now);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const { reason, passkey } = error;
      const details = { reason, method: 'webauthn', ...(passkey && { passkeyId: passkey.id }) };
      const event = { type: 'login_failed' as const, userId: passkey?.user_id, details };
      await this.events.record(this.dataSource.manager, { ...event, ...client }, now);
      throw refused();
    }
  }

  private async attempt(
    answer: AuthenticationResponseJSON,
    client: ClientInfo,
    now: Date,
  ): Promise<TokenResult> {
    const rows: StoredPasskey[] = await this.dataSource.query(
      `SELECT id, user_id, credential_id, public_key, counter, transports FROM passkeys
       WHERE credential_id = $1`,
      [answer.id],
    );
    const passkey = rows[0];
    if (!passkey) throw new Refusal('unknown_passkey');
    const handle = answer.response?.userHandle;
    if (handle !== undefined && handle !== userHandle(passkey.user_id).toString('base64url')) {
      throw new Refusal('passkey_not_verified', passkey);
    }
    const { rpId, origin } = this.config.webauthn;
    const verified = await verifyAuthenticationResponse({
      response: answer,
      expectedChallenge: (challenge) => this.challenges.consume(challenge, 'login', null, now),
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserVerification: true,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(passkey.public_key),
        // The counter is checked by advanceCounter, atomically and only once the signature
        // holds (the library checks it before the signature, so a forged answer could pass
        // for a copied authenticator in the trail). Same rule: it grows, or stays 0.
        counter: 0,
        transports: passkey.transports,
      },
    }).catch((error: unknown) => {
      this.logger.log({ msg: 'passkey refused', reason: String(error).slice(0, 200) });
      return undefined;
    });
    if (!verified?.verified) throw new Refusal('passkey_not_verified', passkey);
    await this.advanceCounter(passkey, verified.authenticationInfo.newCounter, now);
    return this.startSession(passkey, client, now);
  }

  /**
   * Counters that authenticators keep (non-zero) must grow; passkeys synced between devices
   * report 0 every time, which the library allows and so do we.
   */
  private async advanceCounter(passkey: StoredPasskey, next: number, now: Date): Promise<void> {
    const moved: unknown[] = await this.dataSource.query(
      `WITH used AS (
         UPDATE passkeys SET counter = $2, last_used_at = $3
         WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0)) RETURNING 1)
       SELECT * FROM used`,
      [passkey.id, next, now],
    );
    if (moved.length === 0) throw new Refusal('passkey_counter', passkey);
  }

  /** The new session and its `login_succeeded` event commit together, as for a password. */
  private async startSession(
    passkey: StoredPasskey,
    client: ClientInfo,
    now: Date,
  ): Promise<TokenResult> {
    const userId = passkey.user_id;
    const user = await this.users.findById(userId);
    if (!user || user.disabledAt) throw new Refusal('disabled', passkey);
    const started = await this.dataSource.transaction(async (tx) => {
      const made = await this.sessions.create(user, client, now, {
        method: { aal: 'aal2', amr: ['webauthn'] },
        tx,
      });
      if (made) {
        const event = {
          type: 'login_succeeded' as const,
          userId,
          sessionId: made.session.id,
          details: { method: 'webauthn' },
        };
        await this.events.record(tx, { ...event, ...client }, now);
      }
      return made;
    });
    if (!started) throw new Refusal('credentials_changed', passkey);
    const { id, email, role, emailVerified } = user;
    const sessionUser = { id, email, role, emailVerified };
    const strength = {
      aal: 'aal2',
      amr: ['webauthn'],
      authTime: now,
      mfaEnrolled: started.mfaEnrolled,
    } as const;
    const access = this.tokens.issue(sessionUser, started.session.id, strength);
    const { session, refreshToken } = started;
    return tokenResult(sessionUser, session.id, refreshToken, session.expiresAt, now, access);
  }

  private throttle(ip: string): Promise<void> {
    const { loginPerIp, loginWindowSeconds } = this.config.webauthn;
    return this.limiter.enforce(
      [
        {
          key: throttleKeys.passkeyLogin(ip),
          max: loginPerIp,
          windowSeconds: loginWindowSeconds,
          scope: 'passkey_login_ip',
        },
      ],
      'Too many passkey sign-ins from this address; try again later',
    );
  }
}
