import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, EnvReader } from './env-reader';

/** Reads with `read`, then returns the problems `done()` reports (empty when none). */
function problems(env: Record<string, string | undefined>, read: (r: EnvReader) => void) {
  const reader = new EnvReader(env);
  read(reader);
  try {
    reader.done();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
}

describe('EnvReader', () => {
  it('treats unset, empty and blank values alike, and trims the rest', () => {
    const read = new EnvReader({ EMPTY: '', BLANK: '  ', SET: '  value ' });
    expect(read.raw('UNSET')).toBeUndefined();
    expect(read.raw('EMPTY')).toBeUndefined();
    expect(read.raw('BLANK')).toBeUndefined();
    expect(read.raw('SET')).toBe('value');
  });

  describe('<NAME>_FILE (Docker secrets)', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'env-reader-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const secret = (name: string, content: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    };

    it('reads the value from the file, without the trailing newline, through every typed reader', () => {
      const env = {
        SECRET_FILE: secret('secret', 'from-a-file\n'),
        PORT_FILE: secret('port', '8443\n'),
        URL_FILE: secret('url', 'postgres://u:p@db:5432/app\n'),
      };
      expect(
        problems(env, (r) => {
          expect(r.string('SECRET')).toBe('from-a-file');
          expect(r.optionalString('SECRET')).toBe('from-a-file');
          expect(r.int('PORT')).toBe(8443);
          expect(r.url('URL', ['postgres:'])).toBe('postgres://u:p@db:5432/app');
        }),
      ).toEqual([]);
    });

    it('treats an empty file as unset', () => {
      const env = { SECRET_FILE: secret('empty', '\n') };
      expect(problems(env, (r) => expect(r.optionalString('SECRET')).toBeUndefined())).toEqual([]);
      expect(problems(env, (r) => r.string('SECRET'))).toEqual(['SECRET is required']);
    });

    it('refuses a file that cannot be read, naming the variable once however often it is read', () => {
      const missing = path.join(dir, 'missing');
      expect(
        problems({ SECRET_FILE: missing }, (r) => {
          r.optionalString('SECRET');
          r.optionalString('SECRET');
        }),
      ).toEqual([`SECRET_FILE names a file that cannot be read (${missing}: ENOENT)`]);
    });

    it('refuses the variable and its _FILE set together', () => {
      const env = { SECRET: 'direct', SECRET_FILE: secret('both', 'file') };
      expect(problems(env, (r) => r.optionalString('SECRET'))).toEqual([
        'SECRET and SECRET_FILE are both set; set one of them',
      ]);
    });

    it('ignores an empty _FILE variable', () => {
      expect(problems({ SECRET: 'direct', SECRET_FILE: ' ' }, (r) => r.string('SECRET'))).toEqual(
        [],
      );
    });
  });

  describe('string', () => {
    it('falls back to the default, and requires a value without one', () => {
      expect(problems({}, (r) => expect(r.string('NAME', 'x')).toBe('x'))).toEqual([]);
      expect(problems({}, (r) => r.string('NAME'))).toEqual(['NAME is required']);
    });
  });

  describe('int', () => {
    it.each([
      ['42', 42],
      ['-7', -7],
      [' 08 ', 8],
    ])('reads %j as %d', (value, expected) => {
      expect(problems({ N: value }, (r) => expect(r.int('N')).toBe(expected))).toEqual([]);
    });

    it.each([['1.5'], ['1e3'], ['0x10'], ['ten'], ['99999999999999999999']])(
      'refuses %j, naming the variable and the value',
      (value) => {
        expect(problems({ N: value }, (r) => r.int('N', { default: 1 }))).toEqual([
          `N must be an integer, got "${value}"`,
        ]);
      },
    );

    it('checks the bounds of a given value, not of the default', () => {
      expect(problems({}, (r) => expect(r.int('N', { default: 5, min: 10 })).toBe(5))).toEqual([]);
      expect(problems({ N: '9' }, (r) => r.int('N', { min: 10, max: 20 }))).toEqual([
        'N must be at least 10, got 9',
      ]);
      expect(problems({ N: '21' }, (r) => r.int('N', { min: 10, max: 20 }))).toEqual([
        'N must be at most 20, got 21',
      ]);
    });

    it('requires a value without a default', () => {
      expect(problems({}, (r) => r.int('N'))).toEqual(['N is required']);
    });
  });

  describe('bool', () => {
    it.each([
      ['true', true],
      ['YES', true],
      ['1', true],
      ['on', true],
      ['false', false],
      ['No', false],
      ['0', false],
      ['off', false],
    ])('reads %j as %s', (value, expected) => {
      expect(problems({ B: value }, (r) => expect(r.bool('B', !expected)).toBe(expected))).toEqual(
        [],
      );
    });

    it('refuses anything else', () => {
      expect(problems({ B: 'maybe' }, (r) => r.bool('B', true))).toEqual([
        'B must be true or false, got "maybe"',
      ]);
    });
  });

  describe('url', () => {
    it('accepts the allowed schemes only', () => {
      const schemes = ['postgres:', 'postgresql:'];
      expect(problems({ U: 'postgresql://h/db' }, (r) => r.url('U', schemes))).toEqual([]);
      expect(problems({ U: 'mysql://h/db' }, (r) => r.url('U', schemes))).toEqual([
        'U must be a postgres: or postgresql: URL, got "mysql:"',
      ]);
      expect(problems({ U: 'not a url' }, (r) => r.url('U', schemes))).toEqual(['U must be a URL']);
      expect(problems({}, (r) => r.url('U', schemes))).toEqual(['U is required']);
    });

    it('does not echo a malformed URL, which may hold a password', () => {
      const [problem] = problems({ U: 'postgres://u:s3cret@[bad' }, (r) =>
        r.url('U', ['postgres:']),
      );
      expect(problem).not.toContain('s3cret');
    });

    it('leaves an optional URL undefined when unset, and checks it when set', () => {
      expect(problems({}, (r) => expect(r.optionalUrl('U', ['redis:'])).toBeUndefined())).toEqual(
        [],
      );
      expect(problems({ U: 'http://x' }, (r) => r.optionalUrl('U', ['redis:']))).toHaveLength(1);
    });
  });

  describe('list and oneOf', () => {
    it('splits a list on commas, trimming and dropping empty items', () => {
      const read = new EnvReader({ L: ' a, b ,,c ' });
      expect(read.list('L', ['x'])).toEqual(['a', 'b', 'c']);
      expect(read.list('UNSET', ['x'])).toEqual(['x']);
    });

    it('accepts one of the allowed values only', () => {
      expect(problems({ O: 'json' }, (r) => r.oneOf('O', ['json', 'pretty'], 'pretty'))).toEqual(
        [],
      );
      expect(problems({ O: 'xml' }, (r) => r.oneOf('O', ['json', 'pretty'], 'json'))).toEqual([
        'O must be one of json, pretty, got "xml"',
      ]);
    });
  });

  it('collects every problem, including cross-field ones, into one ConfigError', () => {
    const found = problems({ A: 'x', C: 'maybe' }, (r) => {
      r.int('A');
      r.string('B');
      r.bool('C', false);
      r.fail('A and B disagree');
    });
    expect(found).toEqual([
      'A must be an integer, got "x"',
      'B is required',
      'C must be true or false, got "maybe"',
      'A and B disagree',
    ]);
  });

  it('lists the problems in the error message', () => {
    const error = new ConfigError(['A is required', 'B is required']);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('Invalid configuration:\n  - A is required\n  - B is required');
  });
});
