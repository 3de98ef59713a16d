import { mapLimit } from '../util/pool';

export const BENCH_PASSWORD = 'bench-password-0123456789';

export interface Credentials {
  email: string;
  password: string;
}

/** One real login: what auth-service answered. */
export interface LoggedIn {
  userId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  user: { id: string };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? (JSON.parse(text) as unknown) : null };
}

/** Registers `count` users. argon2id makes each one cost ~50 ms of a core: a few at a time. */
export async function registerUsers(
  authUrl: string,
  runId: string,
  count: number,
): Promise<Credentials[]> {
  const users = Array.from({ length: count }, (_, i) => ({
    email: `bench-${runId}-${i}@example.com`,
    password: BENCH_PASSWORD,
  }));
  await mapLimit(users, 4, async (user) => {
    const { status, body } = await postJson(`${authUrl}/auth/register`, user);
    if (status !== 201) throw new Error(`register answered ${status}: ${JSON.stringify(body)}`);
  });
  return users;
}

export async function login(authUrl: string, user: Credentials): Promise<LoggedIn> {
  const { status, body } = await postJson(`${authUrl}/auth/login`, user);
  if (status !== 200) throw new Error(`login answered ${status}: ${JSON.stringify(body)}`);
  return fromTokenResponse(body as TokenResponse);
}

export function fromTokenResponse(body: TokenResponse): LoggedIn {
  return {
    userId: body.user.id,
    sessionId: body.sessionId,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
  };
}

/** `count` sessions spread over the users (people sign in from several devices). */
export function loginSessions(
  authUrl: string,
  users: Credentials[],
  count: number,
): Promise<LoggedIn[]> {
  const plan = Array.from({ length: count }, (_, i) => users[i % users.length]);
  return mapLimit(plan, 4, (user) => login(authUrl, user));
}
