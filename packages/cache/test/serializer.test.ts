import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheError, createSerializer, defaultSerializer } from '../src/index.ts';

const roundTrip = (value: unknown, serializer = defaultSerializer): unknown =>
  serializer.deserialize(serializer.serialize(value));

describe('default serializer', () => {
  it('keeps Date, Map, Set, BigInt, Uint8Array and undefined intact, nested', () => {
    const value = {
      at: new Date('2026-01-02T03:04:05.678Z'),
      byId: new Map<unknown, unknown>([
        [1, { tags: new Set(['a', 'b']) }],
        ['two', [new Date(0), 10n ** 30n]],
      ]),
      big: -123456789012345678901234567890n,
      bytes: new Uint8Array([0, 1, 254, 255]),
      missing: undefined,
      list: [undefined, 1, null],
      deep: { inner: { when: new Date(5), set: new Set([new Map([['k', undefined]])]) } },
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.byId).toBeInstanceOf(Map);
    expect(typeof back.big).toBe('bigint');
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(Object.hasOwn(back, 'missing')).toBe(true);
    expect(back.list).toHaveLength(3);
    expect(back.list[0]).toBeUndefined();
    expect([...(back.deep.inner.set as Set<Map<string, unknown>>)][0]?.has('k')).toBe(true);
  });

  it('keeps top-level special values and non-finite numbers', () => {
    for (const value of [
      undefined,
      null,
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      7n,
      'x',
    ]) {
      expect(Object.is(roundTrip(value), value)).toBe(true);
    }
    expect(roundTrip(new Date(Number.NaN))).toBeInstanceOf(Date);
  });

  it('does not mistake a user object with a "$t" key for a tagged value', () => {
    const value = { $t: 'Date', v: 0, nested: { $t: 'Map', v: [] } };
    expect(roundTrip(value)).toEqual(value);
  });

  it('writes plain JSON for plain data (the fast path)', () => {
    expect(defaultSerializer.serialize({ a: [1, 'x', true, null] })).toBe('j{"a":[1,"x",true,null]}');
  });

  it('compresses above the threshold and reads it back', () => {
    for (const compression of ['gzip', 'brotli'] as const) {
      const serializer = createSerializer({ compressAbove: 100, compression });
      const value = { text: 'abc'.repeat(1000), at: new Date(1) };
      const payload = serializer.serialize(value);
      expect(payload.length).toBeLessThan(500);
      expect(serializer.deserialize(payload)).toEqual(value);
      expect(serializer.serialize({ small: 1 })).toBe('j{"small":1}');
    }
  });

  it('fails with ERR_CACHE_SERIALIZATION on circular values and corrupt payloads', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => defaultSerializer.serialize(circular)).toThrow(
      expect.objectContaining({ code: 'ERR_CACHE_SERIALIZATION' }),
    );
    expect(() => defaultSerializer.deserialize('x{}')).toThrow(CacheError);
    expect(() => defaultSerializer.deserialize('j{')).toThrow(
      expect.objectContaining({ code: 'ERR_CACHE_SERIALIZATION' }),
    );
  });

  it('rejects bad options naming them', () => {
    expect(() => createSerializer({ compressAbove: -1 })).toThrow(/compressAbove/);
    expect(() => createSerializer({ compression: 'zstd' as 'gzip' })).toThrow(/compression/);
  });

  it('round-trips arbitrary values (property)', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.double(),
      fc.bigInt(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date(),
      fc.uint8Array({ maxLength: 16 }),
    );
    const value = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object'), tie('map'), tie('set')),
      array: fc.array(tie('tree'), { maxLength: 4 }),
      object: fc.dictionary(fc.string(), tie('tree'), { maxKeys: 4 }),
      map: fc.array(fc.tuple(fc.string(), tie('tree')), { maxLength: 3 }).map((entries) => new Map(entries)),
      set: fc.array(fc.string(), { maxLength: 3 }).map((items) => new Set(items)),
    })).tree;
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});
