import type autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { loginSessions, postJson } from '../env/identities';
import type { Stack } from '../env/stack';
import { runAutocannon } from '../load/autocannon';
import { measured } from '../load/measure';
import type { Sample } from '../load/measure';
import type { ForgedRefreshResult } from '../report/results';
import { log, sleep } from '../util/log';
import { mapLimit } from '../util/pool';
import { median, ratio } from '../util/stats';
import { phaseSummary } from './phase';
import type { RefreshChains } from './refresh-chains';

/** auth-service's MAX_GENERATIONS_BACK: how far back a presented token is walked. */
export const WALK_BOUND = 8;
/** The forged sessions sit one generation past the bound, so both cases use the same rows. */
const GENERATION = WALK_BOUND + 1;
/** What every forged request must be answered: anything else fails the section. */
export const EXPECTED_ANSWER = '401 invalid_refresh_token';

type Phase = 'rotation' | 'forged' | 'beyond';

/**
 * A forged refresh against a normal one, in the same run. Sessions of their own are rotated
 * to generation 9; a token `<sid>.1.<random secret>` is then 8 generations back, the deepest
 * walk auth-service does (8 HMACs under the row lock, then a mismatch), and `<sid>.0.<random>`
 * is 9 back, beyond the bound (answered without any HMAC). Each round runs a rotation load
 * (the refresh chains), the deepest forgery and the one beyond the bound, the starting phase
 * rotated each round; ratios are taken within a round.
 *
 * At the low concurrency (10), all three: at 100, against auth-service's pool of 10 database
 * connections, requests queue for a connection, so latency measures the queue, and on a loaded
 * machine the pool's 1.5 s acquire timeout sheds some of them with 503 (a first run saw 48 in
 * 11,691), which hides what is measured here. Twice as many sessions as connections, taken in
 * turn, so forged requests seldom wait for one another's row lock.
 *
 * The bench raises the per-session and per-address refresh limits (services.ts): with the
 * defaults, a flood like this one would mostly get 429, each refusal costing at most one HMAC
 * and no row lock.
 */
export async function runForgedRefresh(
  stack: Stack,
  chains: RefreshChains,
): Promise<ForgedRefreshResult> {
  const { settings, auth } = stack;
  const connections = settings.lowConnections;
  const sessions = await prepareSessions(stack, 2 * connections);
  const ids = sessions.map((s) => s.sessionId);
  const tally = new Map<string, number>();
  const loads: Record<Phase, () => autocannon.Request> = {
    rotation: () => chains.request(),
    forged: () => forgedRequest(ids, GENERATION - WALK_BOUND, tally),
    beyond: () => forgedRequest(ids, GENERATION - WALK_BOUND - 1, tally),
  };
  const samples: Record<Phase, Sample[]> = { rotation: [], forged: [], beyond: [] };
  const order: Phase[] = ['rotation', 'forged', 'beyond'];
  for (let round = 0; round < settings.rounds; round += 1) {
    for (let i = 0; i < order.length; i += 1) {
      const phase = order[(round + i) % order.length];
      const sample = await measured([auth.pid], () =>
        runAutocannon({
          url: auth.url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          connections,
          duration: settings.durationSec,
          requests: [loads[phase]()],
        }),
      );
      samples[phase][round] = sample;
      log(
        `  forged-refresh round ${round + 1} ${phase}: ${Math.round(sample.rps)} req/s, ` +
          `${sample.serverCpuUsPerReq.toFixed(0)} us CPU/req, p99 ${sample.p99Ms} ms`,
      );
      await sleep(300);
    }
  }
  checkAnswers(tally);
  await checkStillLive(stack, sessions);
  const perRound = (phase: Phase) =>
    samples[phase].map((s, round) =>
      ratio(s.serverCpuUsPerReq, samples.rotation[round].serverCpuUsPerReq),
    );
  return {
    sessions: sessions.length,
    generation: GENERATION,
    walkBound: WALK_BOUND,
    rotation: phaseSummary('rotation (the refresh chains)', connections, samples.rotation),
    forged: phaseSummary(
      `forged, ${WALK_BOUND} generations back (${WALK_BOUND} HMACs)`,
      connections,
      samples.forged,
    ),
    beyond: phaseSummary(
      `forged, ${WALK_BOUND + 1} generations back (beyond the bound, no HMAC)`,
      connections,
      samples.beyond,
    ),
    cpuRatios: perRound('forged'),
    cpuRatio: median(perRound('forged')),
    beyondCpuRatio: median(perRound('beyond')),
    statuses: Object.fromEntries(tally),
  };
}

/** The same forged token shape for every request, a new random secret each time. */
function forgedRequest(
  sessionIds: readonly string[],
  generation: number,
  tally: Map<string, number>,
): autocannon.Request {
  let next = 0;
  return {
    method: 'POST',
    path: '/auth/refresh',
    setupRequest: (request) => {
      const sessionId = sessionIds[next];
      next = (next + 1) % sessionIds.length;
      const token = `${sessionId}.${generation}.${randomBytes(32).toString('base64url')}`;
      return { ...request, body: JSON.stringify({ refreshToken: token }) };
    },
    onResponse: (status, body) => {
      const key = `${status} ${errorCode(body)}`.trim();
      tally.set(key, (tally.get(key) ?? 0) + 1);
    },
  };
}

function errorCode(body: string): string {
  try {
    const parsed = JSON.parse(body) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : '';
  } catch {
    return '';
  }
}

/** The flood must have measured the walk: not the throttle (429), not a failure (5xx). */
function checkAnswers(tally: Map<string, number>): void {
  const others = [...tally].filter(([key]) => key !== EXPECTED_ANSWER);
  if ((tally.get(EXPECTED_ANSWER) ?? 0) === 0 || others.length > 0) {
    throw new Error(
      `forged refreshes must all answer ${EXPECTED_ANSWER}; got ${JSON.stringify(Object.fromEntries(tally))}`,
    );
  }
}

interface ForgedSession {
  sessionId: string;
  refreshToken: string;
}

/** Fresh logins, each rotated to GENERATION (checked on the token auth-service returns). */
async function prepareSessions(stack: Stack, count: number): Promise<ForgedSession[]> {
  log(`forged-refresh: logging in ${count} sessions and rotating each ${GENERATION} times`);
  const sessions = await loginSessions(stack.auth.url, stack.users, count);
  return mapLimit(sessions, 8, async (session) => {
    let refreshToken = session.refreshToken;
    for (let i = 0; i < GENERATION; i += 1) refreshToken = await rotate(stack, refreshToken);
    if (refreshToken.split('.')[1] !== String(GENERATION)) {
      throw new Error(`expected generation ${GENERATION}, got token ${refreshToken}`);
    }
    return { sessionId: session.sessionId, refreshToken };
  });
}

async function rotate(stack: Stack, refreshToken: string): Promise<string> {
  const { status, body } = await postJson(`${stack.auth.url}/auth/refresh`, { refreshToken });
  if (status !== 200) throw new Error(`refresh answered ${status}: ${JSON.stringify(body)}`);
  return (body as { refreshToken: string }).refreshToken;
}

/** No forgery may end a session: each one still rotates with its genuine token. */
async function checkStillLive(stack: Stack, sessions: ForgedSession[]): Promise<void> {
  await mapLimit(sessions, 8, (s) => rotate(stack, s.refreshToken));
}
