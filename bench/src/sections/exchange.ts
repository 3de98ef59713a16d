import type autocannon from 'autocannon';
import { signAssertion } from '../env/exchange-client';
import type { ExchangeClient } from '../env/exchange-client';
import { POOL_MAX_AGE_MS, renewIfOlder } from '../env/pool';
import { ISSUER } from '../env/services';
import type { Stack } from '../env/stack';
import { rotatingBearer, runAutocannon } from '../load/autocannon';
import { measured } from '../load/measure';
import type { Sample } from '../load/measure';
import type { ExchangeResult } from '../report/results';
import { log, sleep } from '../util/log';
import { median, ratio } from '../util/stats';
import { amortise, measureCaller } from './exchange-caller';
import { phaseSummary } from './phase';

const EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** ServiceTokens' default renewal margin (renewBeforeSeconds), capped at half the lifetime. */
const RENEW_BEFORE_SEC = 10;
/** Requests a minute one user sends through one edge, for the amortised rows. */
const RATES = [1, 6, 60, 600];

/** The form POST /auth/token takes, with a fresh assertion for each request (jti once). */
function exchangeBody(client: ExchangeClient, subjectToken: string): string {
  return new URLSearchParams({
    grant_type: EXCHANGE_GRANT,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN_TYPE,
    audience: client.audience,
    client_assertion_type: JWT_BEARER,
    client_assertion: signAssertion(client, ISSUER),
  }).toString();
}

function exchangeRequest(client: ExchangeClient, tokens: readonly string[]): autocannon.Request {
  let next = 0;
  return {
    method: 'POST',
    path: '/auth/token',
    setupRequest: (request) => {
      const token = tokens[next];
      next = (next + 1) % tokens.length;
      return { ...request, body: exchangeBody(client, token) };
    },
  };
}

/**
 * Issue 17's "what an exchange costs": POST /auth/token (token exchange, private_key_jwt)
 * against GET /auth/me (a verified token and a session read) on the same auth-service, same
 * connections, interleaved rounds, the users' tokens in turn. Then the caller's side, and the
 * amortised cost per request for a user behind one edge, from those measured figures.
 */
export async function runExchange(stack: Stack): Promise<ExchangeResult> {
  const { settings, auth, exchangeClient: client } = stack;
  await renewIfOlder(stack.pool, POOL_MAX_AGE_MS);
  const tokens = stack.sessions.map((s) => s.accessToken);
  // One exchange by hand: proves the client is registered, and gives the lifetime.
  const first = await fetch(`${auth.url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: exchangeBody(client, tokens[0]),
  });
  const answer = (await first.json()) as { expires_in?: number; error?: string };
  if (first.status !== 200 || typeof answer.expires_in !== 'number')
    throw new Error(`POST /auth/token answered ${first.status} ${answer.error ?? ''}`);
  const expiresInSec = answer.expires_in;
  const intervalSec = expiresInSec - Math.min(RENEW_BEFORE_SEC, expiresInSec / 2);

  const connections = settings.lowConnections;
  const me = (): Promise<Sample> =>
    measured([auth.pid], () =>
      runAutocannon({
        url: `${auth.url}/auth/me`,
        connections,
        duration: settings.durationSec,
        requests: [rotatingBearer(tokens)],
      }),
    );
  const exchange = (): Promise<Sample> =>
    measured([auth.pid], () =>
      runAutocannon({
        url: auth.url,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        connections,
        duration: settings.durationSec,
        requests: [exchangeRequest(client, tokens)],
      }),
    );
  const meSamples: Sample[] = [];
  const exchangeSamples: Sample[] = [];
  for (let round = 0; round < settings.rounds; round += 1) {
    // The starting run alternates, so a drift of the shared machine hits both alike.
    const order = round % 2 === 0 ? ['me', 'exchange'] : ['exchange', 'me'];
    for (const which of order) {
      if (which === 'me') meSamples.push(await me());
      else exchangeSamples.push(await exchange());
      await sleep(300);
    }
    const [m, x] = [meSamples[round], exchangeSamples[round]];
    log(
      `  exchange round ${round + 1}: ${Math.round(x.rps)} exchanges/s (p99 ${x.p99Ms} ms) ` +
        `against ${Math.round(m.rps)} GET /auth/me/s (p99 ${m.p99Ms} ms)`,
    );
  }
  const perRound = (pick: (s: Sample) => number) =>
    median(meSamples.map((m, i) => ratio(pick(exchangeSamples[i]), pick(m))));
  const meSummary = phaseSummary('GET /auth/me', connections, meSamples);
  const exchangeSummary = phaseSummary('POST /auth/token (exchange)', connections, exchangeSamples);
  const caller = await measureCaller(
    client,
    `${auth.url}/auth/token`,
    tokens[1 % tokens.length],
    settings.smoke,
  );
  const cpuRatio = perRound((s) => s.serverCpuUsPerReq);
  const p50Ratio = perRound((s) => s.p50Ms);
  return {
    clientId: client.id,
    audience: client.audience,
    expiresInSec,
    intervalSec,
    me: meSummary,
    exchange: exchangeSummary,
    cpuRatio,
    p50Ratio,
    p99Ratio: perRound((s) => s.p99Ms),
    rpsRatio: perRound((s) => s.rps),
    caller,
    amortised: RATES.map((n) => amortise(n, intervalSec, { cpuRatio, p50Ratio })),
  };
}
