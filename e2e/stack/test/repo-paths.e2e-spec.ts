/**
 * Every path a tracked file cites inside the repository exists, so a reader who follows a
 * comment or a doc lands somewhere. Three forms are read, the ones this repository uses:
 * markdown links and images in `.md` files (relative to the file), backticked paths such as
 * `libs/platform/src/http/api-error.ts`, and bare paths in comments (both relative to the
 * root). Only paths under the repository's top folders with a file extension count, so prose
 * and URLs are left alone; quoted strings in code are not citations (tests build paths on
 * purpose). Build outputs (`dist/`, `node_modules/`) are never tracked and are skipped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const TOP = '(?:apps|libs|docs|scripts|deploy|bench|e2e|examples|tools)';
const PATH = `${TOP}/[\\w.*<>/-]*\\.[a-z][a-z0-9]{0,9}`;
/** `docs/api.md` in backticks, or bare after a space, `(` or the start of a line. */
const CITED = new RegExp(`(?:\`(${PATH})\`|(?:^|[\\s(])(${PATH})(?![\\w/-]|\\.\\w))`, 'gm');
const LINK = /\]\(([^)\s]+)\)/g;
const BINARY = /\.(png|jpe?g|gif|svg|ico|woff2?)$/;
const NOT_TRACKED = /(^|\/)(dist|node_modules)\//;

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);
const folders = new Set(
  tracked.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);
const known = [...tracked, ...folders];

/** `hostile-*.ts` and `apps/<service>/…` name several files: one must exist. */
function exists(cited: string): boolean {
  if (!/[*<]/.test(cited)) return tracked.includes(cited) || folders.has(cited);
  const escaped = cited.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped.replace(/\*/g, '[^/]*').replace(/<[^>/]+>/g, '[^/]+')}$`);
  return known.some((file) => pattern.test(file));
}

/** The repository paths a file cites, each relative to the root. */
function citations(file: string, text: string): string[] {
  const found = [...text.matchAll(CITED)].map((match) => match[1] ?? match[2]);
  if (file.endsWith('.md')) {
    for (const [, target] of text.matchAll(LINK)) {
      if (/^([a-z]+:|#)/i.test(target)) continue;
      const local = decodeURIComponent(target.split('#')[0]);
      found.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), local)));
    }
  }
  return found.filter((cited) => !NOT_TRACKED.test(cited));
}

const texts = tracked
  .filter((file) => !BINARY.test(file) && file !== 'package-lock.json')
  .map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));

describe('paths cited in the repository', () => {
  it('exist: every markdown link, backticked path and path in a comment', () => {
    const missing = texts.flatMap(({ file, text }) =>
      citations(file, text)
        .filter((cited) => !exists(cited))
        .map((cited) => `${file} cites ${cited}`),
    );
    expect(missing).toEqual([]);
  });

  it('are found: the check reads the forms it claims to', () => {
    const cited = texts.flatMap(({ file, text }) => citations(file, text));
    expect(cited).toEqual(
      expect.arrayContaining([
        'libs/auth-guard/src/testing/hostile-*.ts',
        'docs/runbook.md',
        'bench/RESULTS.md',
        'docs/api.md',
      ]),
    );
    // Built here, so that this file does not cite a missing path itself.
    const nowhere = ['apps', 'nope', 'a.ts'].join('/');
    expect(citations('docs/x.md', `see [it](../README.md#errors) and \`${nowhere}\``)).toEqual([
      nowhere,
      'README.md',
    ]);
    expect(exists(nowhere)).toBe(false);
    expect(exists('apps/<service>/src/openapi.ts')).toBe(true);
  });

  it('never name the contract by a file that is not in the repository', () => {
    const outside = texts
      .filter(({ text }) => /(^|[^/\w])API\.md/m.test(text))
      .map(({ file }) => file);
    expect(outside).toEqual([]);
  });
});
