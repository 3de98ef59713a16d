import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostileTokens } from './hostile-tokens';
import { TestTokenSigner } from './test-token-signer';

const signer = new TestTokenSigner('http://auth.test', 'probe-service');
const headerOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

describe('hostileTokens', () => {
  const corpus = hostileTokens(signer, 'probe-service', { keyUrl: 'http://127.0.0.1:1/keys' });

  it('holds at least 60 cases with unique names', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(new Set(corpus.map((hostile) => hostile.name)).size).toBe(corpus.length);
  });

  it('is as large as the README and the security page say', () => {
    const root = join(__dirname, '../../../..');
    for (const file of ['README.md', 'docs/security.md']) {
      const said = readFileSync(join(root, file), 'utf8').match(/(\d+) hostile tokens/);
      expect([file, Number(said?.[1])]).toEqual([file, corpus.length]);
    }
  });

  it('holds only tokens that fit in an HTTP header value', () => {
    const unsendable = corpus.filter(
      (hostile) => !/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(hostile.token),
    );
    expect(unsendable.map((hostile) => hostile.name)).toEqual([]);
  });

  it('expects 401 codes from the closed set, and 431 only for oversized tokens', () => {
    for (const hostile of corpus) {
      expect(['invalid_token', 'token_expired']).toContain(hostile.code);
      if (hostile.expectStatus !== undefined) {
        expect([hostile.expectStatus, hostile.token.length > 8192]).toEqual([431, true]);
      }
    }
  });

  it('names the given key URL in its jku and x5u headers', () => {
    const pointing = corpus.filter((hostile) => /jku|x5u/.test(hostile.name));
    expect(pointing.length).toBeGreaterThanOrEqual(3);
    for (const hostile of pointing) {
      const header = headerOf(hostile.token);
      expect(header.jku ?? header.x5u).toBe('http://127.0.0.1:1/keys');
    }
  });

  it('dates its tokens from the given now', () => {
    const now = 1_700_000_000;
    const expired = hostileTokens(signer, 'probe-service', { now }).find(
      (hostile) => hostile.name === 'expired 2 minutes ago',
    );
    const payload = JSON.parse(
      Buffer.from(expired!.token.split('.')[1], 'base64url').toString('utf8'),
    );
    expect(payload).toMatchObject({
      exp: now - 120,
      aud: ['probe-service'],
      iss: 'http://auth.test',
    });
  });
});
