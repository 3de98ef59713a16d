import type { EnvReader } from './env-reader';

/**
 * In production the public keys and the revocation news must come over https: over plain
 * http anyone on the path could swap the keys (and mint tokens every guard accepts) or hide
 * revocations. AUTH_ALLOW_INSECURE_HTTP=true allows http on a private network the operator
 * trusts, such as compose's internal one.
 */
export function refusePlainHttp(read: EnvReader, urls: Record<string, string | undefined>): void {
  const production = read.raw('NODE_ENV') === 'production';
  const allowed = read.bool('AUTH_ALLOW_INSECURE_HTTP', false);
  if (!production || allowed) return;
  for (const [name, url] of Object.entries(urls)) {
    if (url?.toLowerCase().startsWith('http:')) {
      read.fail(
        `${name} is plain http: refused in production (use https, or set ` +
          'AUTH_ALLOW_INSECURE_HTTP=true for a private network you trust)',
      );
    }
  }
}
