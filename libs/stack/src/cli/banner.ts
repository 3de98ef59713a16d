import path from 'node:path';
import { REPO_ROOT } from '../repo';
import { SERVICES } from '../services';
import type { StackUrls } from '../services';
import type { Infra } from './infra';
import { say } from './say';

/** What `npm start` prints once every service answers: where things are, and what to try. */
export function printBanner(urls: StackUrls, infra: Infra): void {
  say();
  say('  hybrid-auth is running');
  say(`  ┌${'─'.repeat(17)}┬${'─'.repeat(24)}┬${'─'.repeat(34)}┐`);
  for (const s of SERVICES) {
    const url = urls[s.name].replace('127.0.0.1', 'localhost');
    say(`  │ ${s.title.padEnd(15)} │ ${url.padEnd(22)} │ ${`docs: ${url}/docs`.padEnd(32)} │`);
  }
  const page = urls.web.replace('127.0.0.1', 'localhost');
  say(
    `  │ ${'account page'.padEnd(15)} │ ${page.padEnd(22)} │ ${'open this in a browser'.padEnd(32)} │`,
  );
  say(`  └${'─'.repeat(17)}┴${'─'.repeat(24)}┴${'─'.repeat(34)}┘`);
  const pg = infra.embedded;
  say(
    `  PostgreSQL: ${pg ? `embedded, 127.0.0.1:${pg.port} (data in ${path.relative(REPO_ROOT, pg.dataDir)})` : 'DATABASE_URL'}`,
  );
  const redis = infra.localRedis
    ? `local redis-server, 127.0.0.1:${infra.localRedis}`
    : infra.redisUrl
      ? 'REDIS_URL'
      : 'none (revocation push off: polling auth-service)';
  say(`  Redis:      ${redis}`);
  say(
    urls.mail
      ? `  Mail:       caught, not sent: read it at ${urls.mail.replace('127.0.0.1', 'localhost')} (SMTP ${new URL(urls.smtp).host})`
      : '  Mail:       SMTP_URL',
  );
  say();
  say(`  Open ${page} in a browser: sign up, see your sessions, sign out another browser.`);
  if (urls.mail) say('  The verification and password-reset links arrive in the mail catcher.');
  say();
  say('  Try it:');
  say(`    curl -s -X POST ${urls.auth}/auth/register -H 'content-type: application/json' \\`);
  say(`         -d '{"email":"ada@example.com","password":"correct horse battery"}'`);
  say(`    curl -s -X POST ${urls.auth}/auth/login -H 'content-type: application/json' \\`);
  say(`         -d '{"email":"ada@example.com","password":"correct horse battery"}'`);
  say(`    curl -s ${urls.catalog}/catalog/products`);
  say();
  say('  A service that stops is started again; Ctrl-C stops everything.');
  say();
}

export const NO_REDIS =
  'Redis not found: revocation push is OFF. Every service polls auth-service for revocations\n' +
  '   once a second instead (a logout reaches them within about a second, not milliseconds),\n' +
  '   and login limits are per process.\n' +
  '   Turn push on: install Redis (apt-get install redis-server) or set REDIS_URL=redis://host:6379';
