import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeToken, toJsonPointer } from '../src/index.ts';

/** Resolves a fragment-form pointer against a document, per RFC 6901 §4 and §6. */
function resolve(document: unknown, pointer: string): unknown {
  expect(pointer.startsWith('#')).toBe(true);
  const body = decodeURIComponent(pointer.slice(1));
  if (body === '') return document;
  return body
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
}

describe('JSON pointers', () => {
  it('escapes ~ before / (RFC 6901 §3)', () => {
    expect(escapeToken('a~1b')).toBe('a~01b');
    expect(escapeToken('a/b~')).toBe('a~1b~0');
    expect(toJsonPointer(['a/b', 'm~n', 0, { key: 'c d' }])).toBe('#/a~1b/m~0n/0/c%20d');
    expect(toJsonPointer([])).toBe('#');
    expect(toJsonPointer([''])).toBe('#/');
    expect(toJsonPointer(['\uD800x'])).toBe('#/%EF%BF%BDx');
  });

  it('uses only characters a URI fragment allows', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }),
            fc.nat(),
          ),
        ),
        (path) => {
          expect(toJsonPointer(path)).toMatch(/^#[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/);
        },
      ),
    );
  });

  it('resolves back to the value it was built from, for any keys', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 5 }), (keys) => {
        const leaf = Symbol('leaf');
        const document = keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf);
        expect(resolve(document, toJsonPointer(keys))).toBe(leaf);
      }),
    );
  });
});
