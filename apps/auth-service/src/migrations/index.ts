import { InitialSchema1764300000000 } from './1764300000000-initial-schema';
import { GraceAnswer1764900000000 } from './1764900000000-grace-answer';
import { CredentialVersion1765000000000 } from './1765000000000-credential-version';
import { NfcEmails1765000000001 } from './1765000000001-nfc-emails';
import { DropGraceAnswer1765000000002 } from './1765000000002-drop-grace-answer';
import { AccountsEmail1765100000000 } from './1765100000000-accounts-email';
import { MailCleanupIndexes1765200000000 } from './1765200000000-mail-cleanup-indexes';
import { Mfa1765300000000 } from './1765300000000-mfa';
import { AuthEvents1765400000000 } from './1765400000000-auth-events';
import { ServiceIdentity1765500000000 } from './1765500000000-service-identity';
import { RevocationStreamSequence1765600000000 } from './1765600000000-revocation-stream-sequence';
import { MailGiveUp1765700000000 } from './1765700000000-mail-give-up';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [
  InitialSchema1764300000000,
  GraceAnswer1764900000000,
  CredentialVersion1765000000000,
  NfcEmails1765000000001,
  DropGraceAnswer1765000000002,
  AccountsEmail1765100000000,
  MailCleanupIndexes1765200000000,
  Mfa1765300000000,
  AuthEvents1765400000000,
  ServiceIdentity1765500000000,
  RevocationStreamSequence1765600000000,
  MailGiveUp1765700000000,
];
