/** One route under test, with the credentials its strategy expects. */
export interface Target {
  id: string;
  label: string;
  url: string;
  tokens: readonly string[];
  pid: number;
  /** Served by the strategies server, whose storage-call counters can be read. */
  counted: boolean;
  /** Tokens used by one run only (see GetLoad.oneShot). */
  oneShot?: boolean;
  /** How the tokens travel (GetLoad.header); Authorization: Bearer unless said. */
  header?: 'authorization' | 'cookie';
  /** Credentials that expire during a run (better-auth's cookie cache): fresh ones before each. */
  renew?: () => Promise<readonly string[]>;
}

/** A route of the strategies server (`/bench/<id>`), counted. */
export function strategyRoute(
  server: { url: string; pid: number },
  id: string,
  label: string,
  tokens: readonly string[],
): Target {
  return { id, label, url: `${server.url}/bench/${id}`, tokens, pid: server.pid, counted: true };
}
