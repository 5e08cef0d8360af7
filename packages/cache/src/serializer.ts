import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { CacheError, checks } from './errors.ts';

/** Turns values into the strings L2 stores, and back. L1 never serialises. */
export interface Serializer {
  serialize(value: unknown): string;
  deserialize(payload: string): unknown;
}

/** Options of {@link createSerializer}. */
export interface SerializerOptions {
  /**
   * Compress payloads whose JSON is longer than this many characters; off when not set.
   * @default undefined
   */
  compressAbove?: number;
  /**
   * Compression algorithm used above `compressAbove`.
   * @default 'gzip'
   */
  compression?: 'gzip' | 'brotli';
}

/*
 * Wire format: one marker character, then the body.
 *   j  plain JSON (nothing needed tagging, so it parses without a reviver: the fast path)
 *   t  JSON in which special values are tagged objects {"$t": type, "v": data}
 *   z  gzip of a j/t payload, base64     b  the same with brotli
 * A user object that itself has a "$t" key is tagged as "Obj", so tags never collide with data.
 */
const PLAIN = 'j';
const TAGGED = 't';
const GZIP = 'z';
const BROTLI = 'b';

type Tagged = { $t: string; v: unknown };

let tagged = false;
let sawUndefined = false;
const UNDEFINED = Symbol('undefined');

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]` is the value before toJSON ran (a Date is still a Date here).
  const raw = this[key];
  switch (typeof raw) {
    case 'bigint':
      return tag('BigInt', raw.toString());
    case 'undefined':
      return tag('Undef', 0);
    case 'number':
      return Number.isFinite(raw) && !Object.is(raw, -0) ? raw : tag('Num', String(raw === 0 ? '-0' : raw));
    case 'object': {
      if (raw === null) return raw;
      if (raw instanceof Date) return tag('Date', raw.getTime());
      if (raw instanceof Map) return tag('Map', [...raw]);
      if (raw instanceof Set) return tag('Set', [...raw]);
      if (raw instanceof Uint8Array)
        return tag('Bytes', Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64'));
      if (!Array.isArray(raw) && Object.hasOwn(raw, '$t') && value === raw) return tag('Obj', Object.entries(raw));
      return value;
    }
    default:
      return value;
  }
}

/**
 * Whether plain `JSON.stringify` keeps `value` exactly: only strings, finite numbers (not -0),
 * booleans, null, arrays and plain objects without a "$t" key or a toJSON method. Anything else
 * (or deeper than 64 levels) takes the tagging path.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === '$t' || key === 'toJSON') return false;
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function tag(type: string, v: unknown): Tagged {
  tagged = true;
  return { $t: type, v };
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const { $t: type, v } = value as Partial<Tagged>;
  switch (type) {
    case undefined:
      return value;
    case 'BigInt':
      return BigInt(v as string);
    case 'Undef':
      // A reviver returning undefined deletes the property, so mark it and swap it back afterwards.
      sawUndefined = true;
      return UNDEFINED;
    case 'Num':
      return v === '-0' ? -0 : Number(v);
    case 'Date':
      return new Date(v === null ? Number.NaN : (v as number));
    case 'Map':
      return new Map(v as [unknown, unknown][]);
    case 'Set':
      return new Set(v as unknown[]);
    case 'Bytes': {
      const bytes = Buffer.from(v as string, 'base64');
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    case 'Obj':
      return Object.fromEntries(v as [string, unknown][]);
    default:
      return value;
  }
}

/**
 * The default serializer: JSON that keeps `Date`, `Map`, `Set`, `BigInt`, `Uint8Array`, `undefined`,
 * `NaN`/`±Infinity`/`-0` and nested objects intact, with optional compression of large payloads.
 *
 * @example createCache({ l2, serializer: createSerializer({ compressAbove: 16_384 }) })
 */
export function createSerializer(options: SerializerOptions = {}): Serializer {
  const compressAbove =
    options.compressAbove === undefined
      ? undefined
      : checks.number(options.compressAbove, 'compressAbove', { min: 0, integer: true });
  const compression = checks.oneOf(options.compression, 'compression', ['gzip', 'brotli'], 'gzip');
  return {
    serialize(value) {
      let text: string;
      try {
        if (isPlainJson(value, 0)) {
          // Nothing to tag: the native stringify without a replacer is several times faster.
          text = PLAIN + JSON.stringify(value);
        } else {
          tagged = false;
          const json = JSON.stringify(value, replacer) as string | undefined;
          text = (tagged ? TAGGED : PLAIN) + (json ?? 'null');
        }
      } catch (cause) {
        throw new CacheError('ERR_CACHE_SERIALIZATION', 'Cannot serialise the value for L2', { cause });
      }
      if (compressAbove === undefined || text.length <= compressAbove) return text;
      return compression === 'gzip'
        ? GZIP + gzipSync(text).toString('base64')
        : BROTLI + brotliCompressSync(text).toString('base64');
    },
    deserialize(payload) {
      try {
        return decode(payload);
      } catch (cause) {
        throw new CacheError('ERR_CACHE_SERIALIZATION', 'Cannot deserialise a payload read from L2', { cause });
      }
    },
  };
}

function decode(payload: string): unknown {
  switch (payload[0]) {
    case PLAIN:
      return JSON.parse(payload.slice(1));
    case TAGGED: {
      sawUndefined = false;
      const value: unknown = JSON.parse(payload.slice(1), reviver);
      return sawUndefined ? restoreUndefined(value, new Set()) : value;
    }
    case GZIP:
      return decode(gunzipSync(Buffer.from(payload.slice(1), 'base64')).toString());
    case BROTLI:
      return decode(brotliDecompressSync(Buffer.from(payload.slice(1), 'base64')).toString());
    default:
      throw new Error(`unknown payload marker ${JSON.stringify(payload.slice(0, 1))}`);
  }
}

function restoreUndefined(value: unknown, seen: Set<object>): unknown {
  if (value === UNDEFINED) return undefined;
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreUndefined(value[i], seen);
  } else if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => [restoreUndefined(k, seen), restoreUndefined(v, seen)] as const);
    value.clear();
    for (const [k, v] of entries) value.set(k, v);
  } else if (value instanceof Set) {
    const items = [...value].map((v) => restoreUndefined(v, seen));
    value.clear();
    for (const v of items) value.add(v);
  } else if (!ArrayBuffer.isView(value) && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restoreUndefined(record[key], seen);
  }
  return value;
}

/** The serializer used when none is given. */
export const defaultSerializer: Serializer = createSerializer();
