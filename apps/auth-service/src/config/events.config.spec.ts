import { parseWebhooksFile } from './events.config';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const endpoint = (over: object = {}) => ({
  id: 'crm',
  url: 'https://hooks.example.com/in',
  secret: SECRET,
  events: ['login_succeeded'],
  ...over,
});
const parse = (endpoints: unknown[], production = false) =>
  parseWebhooksFile(JSON.stringify({ endpoints }), production);

describe('AUTH_WEBHOOKS_FILE', () => {
  it('reads endpoints, their secret and their event types ("*" for all)', () => {
    expect(parse([endpoint(), endpoint({ id: 'all', events: ['*'] })])).toEqual([
      {
        id: 'crm',
        url: 'https://hooks.example.com/in',
        secret: SECRET,
        events: ['login_succeeded'],
      },
      { id: 'all', url: 'https://hooks.example.com/in', secret: SECRET, events: '*' },
    ]);
  });

  it.each([
    ['an unknown event type', [endpoint({ events: ['login_ok'] })], /unknown event type/],
    ['no event type', [endpoint({ events: [] })], /non-empty/],
    ['a short secret', [endpoint({ secret: 'whsec_c2hvcnQ=' })], /24 to 64/],
    [
      'a secret without its prefix',
      [endpoint({ secret: Buffer.alloc(32).toString('base64') })],
      /whsec_/,
    ],
    ['a duplicate id', [endpoint(), endpoint()], /used twice/],
    ['a bad id', [endpoint({ id: 'Has Spaces' })], /id must match/],
    ['another scheme', [endpoint({ url: 'file:///etc/passwd' })], /must be http/],
    [
      'credentials in the URL',
      [endpoint({ url: 'https://u:p@hooks.example.com/' })],
      /credentials/,
    ],
  ])('refuses %s', (_name, endpoints, message) => {
    expect(() => parse(endpoints)).toThrow(message);
  });

  it('refuses plain http in production only', () => {
    const plain = [endpoint({ url: 'http://hooks.internal:8080/in' })];
    expect(parse(plain)).toHaveLength(1);
    expect(() => parse(plain, true)).toThrow(/must be https/);
  });

  it('refuses a file of another shape', () => {
    expect(() => parseWebhooksFile('[]', false)).toThrow(/endpoints/);
    expect(() => parseWebhooksFile('{', false)).toThrow();
  });
});
