import type autocannon from 'autocannon';
import type { Credentials } from '../env/identities';
import type { Stack } from '../env/stack';
import { runAutocannon } from '../load/autocannon';
import { measured } from '../load/measure';
import type { Sample } from '../load/measure';
import type { LoginResult } from '../report/results';
import { log, sleep } from '../util/log';
import { phaseSummary } from './phase';

/**
 * Item 3: successful logins (argon2id verify, a session row, a token pair), the users taken
 * in turn. A few connections show the service's latency near saturation; the article's 100
 * show how requests queue behind argon2id, which runs on libuv's 4 threads over 2 cores.
 */
export async function runLogin(stack: Stack): Promise<LoginResult> {
  const { settings, auth } = stack;
  const phases = [];
  for (const connections of settings.loginConnections) {
    const samples: Sample[] = [];
    for (let round = 0; round < settings.rounds; round += 1) {
      const sample = await measured([auth.pid], () =>
        runAutocannon({
          url: auth.url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          connections,
          duration: settings.durationSec,
          requests: [loginRequest(stack.users)],
        }),
      );
      log(
        `  login c=${connections} round ${round + 1}: ${sample.rps.toFixed(1)} logins/s, p99 ${sample.p99Ms} ms`,
      );
      samples.push(sample);
      await sleep(300);
    }
    phases.push(phaseSummary(`login, ${connections} connections`, connections, samples));
  }
  return { phases };
}

function loginRequest(users: Credentials[]): autocannon.Request {
  let next = 0;
  return {
    method: 'POST',
    path: '/auth/login',
    setupRequest: (request) => {
      const user = users[next];
      next = (next + 1) % users.length;
      return { ...request, body: JSON.stringify(user) };
    },
  };
}
