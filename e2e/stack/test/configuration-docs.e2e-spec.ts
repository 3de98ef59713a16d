/**
 * `.env.example` and docs/configuration.md name the same variables, and neither misses one the
 * code reads: a variable added to a service's config without its line in `.env.example` and its
 * row in the documentation's tables fails here, and so does a row left behind after a removal.
 *
 * The names the code reads are the quoted ALL_CAPS names in the config readers (EnvReader
 * calls in libs/platform/src/config and apps/<service>/src/config) and in the stack list and
 * gateway of libs/stack; `Symbol('…')` injection tokens are not variables.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** `NAME=value` and `# NAME=value` lines: set or commented out with its default. */
function envExampleNames(text: string): Set<string> {
  return new Set([...text.matchAll(/^#?[ \t]*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

/** The backticked name in the first cell of every table row. */
function documentedNames(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^\|[ \t]*`([A-Z][A-Z0-9_]*)`[ \t]*\|/gm)].map((m) => m[1]));
}

function namesReadBy(source: string): Set<string> {
  const code = source.replace(/Symbol\('[^']*'\)/g, '');
  return new Set([...code.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)].map((m) => m[1]));
}

/** Names in `from` that `to` lacks, as readable lines. */
function missing(from: Set<string>, to: Set<string>, where: string): string[] {
  return [...from].filter((name) => !to.has(name)).map((name) => `${name} is not in ${where}`);
}

const tsFiles = (dir: string) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => `${dir}/${f}`);

const configSources = [
  ...tsFiles('libs/platform/src/config'),
  ...readdirSync(path.join(ROOT, 'apps'))
    .filter((app) => app.endsWith('-service'))
    .flatMap((app) => tsFiles(`apps/${app}/src/config`)),
  'libs/stack/src/services.ts',
  'libs/stack/src/gateway/main.ts',
];

const example = envExampleNames(read('.env.example'));
const documented = documentedNames(read('docs/configuration.md'));
const inCode = new Set(configSources.flatMap((file) => [...namesReadBy(read(file))]));

describe('docs/configuration.md and .env.example', () => {
  it('document every variable of .env.example', () => {
    expect(missing(example, documented, 'docs/configuration.md')).toEqual([]);
  });

  it('list in .env.example every variable the documentation has', () => {
    expect(missing(documented, example, '.env.example')).toEqual([]);
  });

  it('miss no variable the config code reads', () => {
    expect(missing(inCode, example, '.env.example')).toEqual([]);
  });

  it('are read as they are written: the check sees names, and sees one go missing', () => {
    for (const set of [example, documented, inCode]) {
      expect([...set]).toEqual(expect.arrayContaining(['AUTH_ISSUER', 'AUTH_JWKS_URL']));
    }
    expect(inCode).toContain('GATEWAY_BODY_LIMIT');
    expect(inCode).not.toContain('AUTH_CONFIG');
    expect(configSources.length).toBeGreaterThan(8);

    const env = envExampleNames('# --- all ---\nREDIS_URL=redis://x\n# AUTH_NEW=5   # note\n');
    const doc = documentedNames('| variable | default |\n| --- | --- |\n| `REDIS_URL` | none |\n');
    expect(env).toEqual(new Set(['REDIS_URL', 'AUTH_NEW']));
    expect(missing(env, doc, 'the page')).toEqual(['AUTH_NEW is not in the page']);
    expect(namesReadBy(`x = Symbol('A_CONFIG'); read.int('A_TTL', { default: 1 })`)).toEqual(
      new Set(['A_TTL']),
    );
  });
});
