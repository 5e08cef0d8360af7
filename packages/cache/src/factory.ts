import type { Duration } from '../../../internal/src/index.ts';

/** What a factory gets: the stale value, if any, and ways to shape how its result is cached. */
export interface FactoryContext<T> {
  /** The key, without namespace. */
  readonly key: string;
  /** The expired value being refreshed, when there is one. */
  readonly stale: T | undefined;
  /** Caches this result for `ttl` instead of the configured one. */
  setTtl(ttl: Duration): void;
  /** Replaces the tags this result is stored with. */
  setTags(tags: readonly string[]): void;
  /** Returns the result to the callers without caching it. */
  skip(): void;
}

/** Produces the value of a key on a miss. */
export type Factory<T> = (context: FactoryContext<T>) => T | Promise<T>;
