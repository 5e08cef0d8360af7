import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeKey } from '../src/index.ts';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

/** What a normalised key must never contain, whatever went in. */
function isSafe(key: string): boolean {
  const segments = key.split('/');
  return (
    key !== '' &&
    !key.startsWith('/') &&
    !key.includes('\\') &&
    ![...key].some((ch) => {
      const cp = ch.codePointAt(0) as number;
      return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || cp === 0xfffd;
    }) &&
    !/[\uD800-\uDFFF]/.test(key.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')) &&
    segments.every((s) => s !== '' && s !== '.' && s !== '..')
  );
}

describe('normalizeKey', () => {
  it.each([
    ['a.txt', 'a.txt'],
    ['dir/sub/file name (1).txt', 'dir/sub/file name (1).txt'],
    ['日本/ファイル.txt', '日本/ファイル.txt'],
    ['cafe\u0301', 'caf\u00e9'],
    ['family 👨\u200D👩\u200D👧.png', 'family 👨\u200D👩\u200D👧.png'],
    ['...', '...'],
    ['.hidden/..x', '.hidden/..x'],
  ])('keeps %j as %j', (input, output) => {
    expect(normalizeKey(input)).toBe(output);
  });

  it.each([
    ['traversal', '../etc/passwd'],
    ['inner traversal', 'a/../../b'],
    ['a trailing ..', 'a/..'],
    ['a dot segment', 'a/./b'],
    ['an absolute path', '/etc/passwd'],
    ['a drive path', 'C:/Windows'],
    ['a backslash', 'a\\..\\b'],
    ['a NUL', 'a\u0000.txt'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007F'],
    ['a C1 control', 'a\u0085b'],
    ['a lone surrogate', 'a\uD800b'],
    ['U+FFFD from a bad decode', 'a\uFFFDb'],
    ['a bidi override', 'invoice\u202Efdp.exe'],
    ['a zero-width space', 'a\u200Bb'],
    ['a BOM', '\uFEFFa'],
    ['an empty segment', 'a//b'],
    ['a trailing slash', 'a/'],
    ['the empty string', ''],
    ['the reserved segment', '.infra-storage/meta/x'],
    ['a segment over 255 bytes', 'x'.repeat(256)],
    ['a key over 1024 bytes', Array.from({ length: 6 }, () => 'y'.repeat(200)).join('/')],
  ])('refuses %s', (_label, key) => {
    expect(code(() => normalizeKey(key))).toBe('ERR_STORAGE_INVALID_KEY');
  });

  it('refuses a non-string', () => {
    expect(code(() => normalizeKey(42))).toBe('ERR_STORAGE_INVALID_KEY');
  });

  it('never returns a key with traversal, controls or malformed text, from any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (input) => {
        const result = code(() => normalizeKey(input));
        if (result === undefined) expect(isSafe(normalizeKey(input))).toBe(true);
        else expect(result).toBe('ERR_STORAGE_INVALID_KEY');
      }),
      { numRuns: 1000 },
    );
  });

  it('never returns an unsafe key from paths built of dots, slashes, backslashes and controls', () => {
    const piece = fc.constantFrom('.', '..', '/', '\\', 'a', ' ', '\u0000', '\u202E', '\uFFFD', '%2e', 'C:', '\uD800');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const input = pieces.join('');
        const result = code(() => normalizeKey(input));
        if (result === undefined) expect(isSafe(normalizeKey(input))).toBe(true);
        else expect(result).toBe('ERR_STORAGE_INVALID_KEY');
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses every key decoded from malformed UTF-8 (the Flysystem bypass), or keeps it safe', () => {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const input = decoder.decode(bytes);
        const result = code(() => normalizeKey(input));
        if (result === undefined) expect(isSafe(normalizeKey(input))).toBe(true);
        else expect(result).toBe('ERR_STORAGE_INVALID_KEY');
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent: a normalised key normalises to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (input) => {
        const result = code(() => normalizeKey(input));
        if (result === undefined) expect(normalizeKey(normalizeKey(input))).toBe(normalizeKey(input));
      }),
      { numRuns: 1000 },
    );
  });
});
