// The in-process dedupe store: right for one instance and for tests; several instances need the Redis store.
import { randomUUID } from 'node:crypto';
import { type Clock, clockOption } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import type { BeginResult, IdempotencyStore, StoredResult } from './store.ts';

/** Options of {@link memoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** The clock records expire by. @default systemClock */
  clock?: Clock;
}

type Entry =
  | { state: 'pending'; token: string; expiresAt: number }
  | { state: 'sent'; result: StoredResult; expiresAt: number }
  | { state: 'unknown'; expiresAt: number };

/** An idempotency store in memory, with the number of live records. */
export interface MemoryIdempotencyStore extends IdempotencyStore {
  /** Records not yet expired. */
  size(): number;
}

/** A dedupe store in this process' memory. */
export function memoryIdempotencyStore(options: MemoryIdempotencyStoreOptions = {}): MemoryIdempotencyStore {
  const clock = clockOption(options.clock, invalidOption);
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const held = (key: string, token: string): boolean => {
    const entry = live(key);
    return entry?.state === 'pending' && entry.token === token;
  };

  return {
    async begin(key, leaseMs): Promise<BeginResult> {
      const entry = live(key);
      if (entry === undefined) {
        const token = randomUUID();
        entries.set(key, { state: 'pending', token, expiresAt: clock.now() + leaseMs });
        return { state: 'started', token };
      }
      if (entry.state === 'sent') return { state: 'sent', result: structuredClone(entry.result) };
      return { state: entry.state };
    },
    async complete(key, token, result, ttlMs) {
      if (held(key, token))
        entries.set(key, { state: 'sent', result: structuredClone(result), expiresAt: clock.now() + ttlMs });
    },
    async markUnknown(key, token, ttlMs) {
      if (held(key, token)) entries.set(key, { state: 'unknown', expiresAt: clock.now() + ttlMs });
    },
    async release(key, token) {
      if (held(key, token)) entries.delete(key);
    },
    size() {
      for (const key of [...entries.keys()]) live(key);
      return entries.size;
    },
  };
}
