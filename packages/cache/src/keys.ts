import { CacheError, invalidOption } from './errors.ts';

/** Keys starting with this are the cache's own bookkeeping in L2 (counters, leases). */
export const RESERVED_PREFIX = '__cache:';

const namespacePattern = /^[A-Za-z0-9_.-]{1,128}$/;
const maxKeyLength = 1024;

/** Checks a user key; returns it unchanged. */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new CacheError('ERR_CACHE_INVALID_KEY', `A cache key must be a non-empty string, got ${describe(key)}`);
  }
  if (key.length > maxKeyLength) {
    throw new CacheError('ERR_CACHE_INVALID_KEY', `A cache key must be at most ${maxKeyLength} characters`);
  }
  if (key.startsWith(RESERVED_PREFIX)) {
    throw new CacheError('ERR_CACHE_INVALID_KEY', `Cache keys starting with "${RESERVED_PREFIX}" are reserved`);
  }
  return key;
}

/** Checks a namespace name: letters, digits, `_`, `.`, `-` (no `:`, which separates namespace levels). */
export function checkNamespace(name: unknown, option = 'namespace'): string {
  if (typeof name !== 'string' || !namespacePattern.test(name)) {
    throw invalidOption(option, `must be 1-128 letters, digits, "_", "." or "-", got ${describe(name)}`);
  }
  return name;
}

/** Checks a tag list: an array of non-empty strings. */
export function checkTags(tags: unknown, option = 'tags'): readonly string[] {
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag.length === 0)) {
    throw invalidOption(option, 'must be an array of non-empty strings');
  }
  return tags as readonly string[];
}

/**
 * Version-counter names. A namespace path is `''` (root) or `a:b:`; namespace names cannot contain
 * `|`, so `|` unambiguously ends the path inside a tag counter name.
 */
export const counters = {
  namespace: (path: string): string => `n:${path}`,
  tagRemove: (path: string, tag: string): string => `t:${path}|${tag}`,
  tagExpire: (path: string, tag: string): string => `x:${path}|${tag}`,
};

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value;
}
