/** A small JSON client for the services under test: answers carry status, body and headers. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  // No keep-alive: processes under test stop and start, and idle sockets would outlive the suite.
  const headers: Record<string, string> = { connection: 'close', ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export interface Login {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  user: { id: string; email: string; role: string };
}

let counter = 0;
export const uniqueEmail = (tag = 'user') =>
  `${tag}.${process.pid}.${Date.now()}.${counter++}@stack.test`;
export const PASSWORD = 'correct horse battery';

export async function signUp(authUrl: string, email = uniqueEmail()): Promise<Login> {
  const registered = await call(`${authUrl}/auth/register`, {
    body: { email, password: PASSWORD },
  });
  if (registered.status !== 201)
    throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  return login(authUrl, email);
}

/**
 * Logs in; `audience: 'auth-service'` asks for the admin-only token (aud auth-service alone)
 * that auth-service's admin routes require.
 */
export async function login(
  authUrl: string,
  email: string,
  password = PASSWORD,
  audience?: string,
): Promise<Login> {
  const res = await call<Login>(`${authUrl}/auth/login`, { body: { email, password, audience } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
