import { MAX_JSON_DEPTH, exceedsJsonDepth } from './json-body';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('exceedsJsonDepth', () => {
  it('allows 32 levels and refuses 33, for arrays, objects and a mix of both', () => {
    expect(MAX_JSON_DEPTH).toBe(32);
    expect(exceedsJsonDepth(bytes(arrays(32)))).toBe(false);
    expect(exceedsJsonDepth(bytes(arrays(33)))).toBe(true);
    expect(exceedsJsonDepth(bytes(objects(32)))).toBe(false);
    expect(exceedsJsonDepth(bytes(objects(33)))).toBe(true);
    const mixed = (depth: number) => '{"a":['.repeat(depth / 2) + ']}'.repeat(depth / 2);
    expect(exceedsJsonDepth(bytes(mixed(32)))).toBe(false);
    expect(exceedsJsonDepth(bytes(mixed(34)))).toBe(true);
  });

  it('refuses the 16 kB body of 8,000 nested arrays', () => {
    expect(exceedsJsonDepth(bytes(arrays(8000)))).toBe(true);
  });

  it('counts depth, not the number of containers', () => {
    const wide = `[${Array.from({ length: 2000 }, () => '{"a":[1]}').join(',')}]`;
    expect(exceedsJsonDepth(bytes(wide))).toBe(false);
  });

  it('ignores brackets inside strings, keys included', () => {
    const inValue = JSON.stringify({ password: '[[[[{{{{'.repeat(100) });
    const inKey = `{"${'['.repeat(100)}":1}`;
    expect(exceedsJsonDepth(bytes(inValue))).toBe(false);
    expect(exceedsJsonDepth(bytes(inKey))).toBe(false);
  });

  it('does not end a string at an escaped quote, and does end it after an escaped backslash', () => {
    // "\"[[[…" is still inside the string: its brackets do not count.
    const escapedQuote = `{"a":"\\"${'['.repeat(100)}"}`;
    expect(exceedsJsonDepth(bytes(escapedQuote))).toBe(false);
    // "\\" ends with an escaped backslash, so the string closes and the brackets count.
    const escapedBackslash = `["\\\\",${arrays(40)}]`;
    expect(JSON.parse(escapedBackslash)).toHaveLength(2);
    expect(exceedsJsonDepth(bytes(escapedBackslash))).toBe(true);
  });

  it('is not fooled by multi-byte characters or \\u escapes of brackets', () => {
    const unicode = JSON.stringify({ name: 'Café ☕ 日本 \u005b\u007b', note: '\u0022' });
    expect(exceedsJsonDepth(bytes(unicode))).toBe(false);
    expect(exceedsJsonDepth(bytes(`{"a":"\\u005b\\u005b"}`))).toBe(false);
  });

  it('takes another limit when given one', () => {
    expect(exceedsJsonDepth(bytes('[[1]]'), 1)).toBe(true);
    expect(exceedsJsonDepth(bytes('[[1]]'), 2)).toBe(false);
  });
});
