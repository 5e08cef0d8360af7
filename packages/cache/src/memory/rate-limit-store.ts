/**
 * The in-process rate-limit store: counters in a Map, each with its own expiry. Single-threaded
 * JavaScript makes every `evaluate` atomic. Expired entries are swept in amortised batches as the map
 * grows, so memory follows the number of live keys without a timer to close.
 */
import { checks } from '../errors.ts';
import type { CompiledRule } from '../rate-limit/rules.ts';
import {
  decide,
  type RateLimitStore,
  type RateLimitStoreRequest,
  type RateLimitStoreResult,
} from '../rate-limit/store.ts';

interface Entry {
  state: number[];
  expiresAt: number;
}

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Sweep expired entries once the map holds this many more entries than after the last sweep. @default 10000 */
  sweepEvery?: number;
}

/** The memory store, with a view of its size. */
export interface MemoryRateLimitStore extends RateLimitStore {
  /** Entries held, expired ones not yet swept included. */
  readonly size: number;
}

/** An in-process store: exact and fast, but each process counts on its own. */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore {
  const sweepEvery = checks.number(options.sweepEvery, 'sweepEvery', { default: 10_000, min: 1, integer: true });
  const entries = new Map<string, Entry>();
  let sweepAt = sweepEvery;

  const ruleKey = (key: string, rule: CompiledRule) => `${key}\u0000${rule.id}`;
  const blockKey = (key: string) => `${key}\u0000block`;

  function read(key: string, now: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function sweep(now: number): void {
    if (entries.size < sweepAt) return;
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
    sweepAt = entries.size + sweepEvery;
  }

  function evaluate(request: RateLimitStoreRequest): RateLimitStoreResult {
    const { rules, now } = request;
    const key = request.prefix + request.key;
    const states = rules.map((rule) => read(ruleKey(key, rule), now)?.state);
    const blockedUntil = read(blockKey(key), now)?.expiresAt ?? 0;
    const writes = decide(request, states, blockedUntil);
    for (const write of writes.rules) {
      const rule = rules[write.index] as CompiledRule;
      entries.set(ruleKey(key, rule), { state: write.state, expiresAt: now + write.ttlMs });
    }
    if (writes.blockMs > 0) entries.set(blockKey(key), { state: [], expiresAt: now + writes.blockMs });
    sweep(now);
    return writes.result;
  }

  return {
    get size() {
      return entries.size;
    },
    async evaluate(request) {
      return evaluate(request);
    },
    async reset(prefix, subject, rules) {
      const key = prefix + subject;
      for (const rule of rules) entries.delete(ruleKey(key, rule));
      entries.delete(blockKey(key));
    },
    async block(prefix, subject, _rules, ms, now) {
      const key = prefix + subject;
      const current = read(blockKey(key), now)?.expiresAt ?? 0;
      entries.set(blockKey(key), { state: [], expiresAt: Math.max(current, now + ms) });
    },
  };
}
