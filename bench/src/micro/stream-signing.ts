import { readStreamEntry, signStreamEntry } from '@hybrid-auth/auth-guard';
import type { RevocationEvent } from '@hybrid-auth/auth-guard';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { rate } from './timing';

/**
 * What signing the revocation stream costs: the relay signs one entry per batch of events,
 * each guard verifies it. Per entry and per event, for batches of 1 (a logout), 16 and 256
 * (the most an entry holds: republishing a window). Run after `npm run build`:
 *   node bench/dist/micro/stream-signing.js [budget ms per figure, default 2000]
 */
const budgetMs = Number(process.argv[2] ?? 2000);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = { kid: 'bench', privateKey };
const scope = { stream: 'hybrid-auth:auth:revocations', epoch: randomUUID() };
const event = (): RevocationEvent => ({
  type: 'session',
  id: String(Math.floor(Math.random() * 1e9)),
  sessionId: randomUUID(),
  userId: randomUUID(),
  at: Date.now(),
});

const rows: string[] = [
  '| events per entry | sign (relay) µs/entry | µs/event | verify (guard) µs/entry | µs/event |',
  '|---:|---:|---:|---:|---:|',
];
for (const size of [1, 16, 256]) {
  const events = Array.from({ length: size }, event);
  const fields = signStreamEntry(events, scope, key);
  const sign = rate(() => signStreamEntry(events, scope, key), budgetMs);
  const verify = rate(() => {
    const entry = readStreamEntry(fields, scope.stream, () => publicKey);
    if (!entry.ok) throw new Error(entry.reason);
    return entry;
  }, budgetMs);
  const us = (ns: number) => (ns / 1000).toFixed(ns < 10_000 ? 2 : 1);
  rows.push(
    `| ${size} | ${us(sign.nsPerOp)} | ${us(sign.nsPerOp / size)} | ${us(verify.nsPerOp)} | ${us(verify.nsPerOp / size)} |`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);
