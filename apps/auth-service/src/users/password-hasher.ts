import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/**
 * argon2id at the OWASP minimum profile (m = 19 MiB, t = 2, p = 1). Hashing runs on libuv's
 * thread pool, so the event loop keeps serving while a login is being checked.
 */
const OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, not importable under isolated modules)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hash(randomBytes(16).toString('hex'), OPTIONS);
  }

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /** False for a wrong password, a missing hash (unknown user) or a corrupt one. */
  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await verify(passwordHash ?? this.dummyHash, password);
      return ok && passwordHash !== undefined;
    } catch {
      return false;
    }
  }
}
