/**
 * The contracts between the cache and its tiers. L1 holds live values in-process and answers
 * synchronously; L2 holds serialised payloads in a shared server and answers asynchronously.
 * Both validate entries against version counters themselves, so tag and namespace invalidation
 * costs one counter bump, never a scan.
 */

/** Version counters an entry depends on: bumping one of `remove` drops it, bumping one of `expire` makes it stale. */
export interface EntryDeps {
  readonly remove: readonly string[];
  readonly expire: readonly string[];
}

/** Timing and tags of a cached entry (times in ms since the epoch). */
export interface EntryMeta {
  /** When the value was produced. */
  createdAt: number;
  /** Served as fresh until then. */
  freshUntil: number;
  /** Served as stale (grace) until then, and removed afterwards. `staleUntil >= freshUntil`. */
  staleUntil: number;
  /** The tags the entry was stored with. */
  tags: readonly string[];
}

/** An entry held in L1: the live value. */
export interface L1Entry extends EntryMeta {
  value: unknown;
}

/** An in-process tier (L1). Every method is synchronous. */
export interface L1Store {
  /** Which implementation this is, for stats and logs. */
  readonly kind: string;
  /** The entry under `key` if present, not past `staleUntil` and not invalidated; expire-counter bumps come back stale. */
  get(key: string, now: number): L1Entry | undefined;
  /** Stores `entry`, recording the current value of each counter in `deps`. */
  set(key: string, entry: L1Entry, deps: EntryDeps): void;
  /** Removes `key`; true when it was present. */
  delete(key: string): boolean;
  /** Increments each counter, invalidating every entry that depends on it. */
  bump(counters: readonly string[]): void;
  /** Drops every entry (counters are kept). */
  clear(): void;
  /** Entry count and estimated bytes (0 when sizes are not tracked). */
  usage(): { items: number; bytes: number };
}

/** An entry as L2 stores it: the serialised payload and its metadata. */
export interface L2Record extends EntryMeta {
  payload: string;
}

/** An L2 read: the record, and whether an expire-counter bump made it stale. */
export interface L2Read extends L2Record {
  expiredByTag: boolean;
}

/** Versions of version counters as an L2 read them: counter name → version (`'0'` for a counter never bumped). */
export type L2Versions = ReadonlyMap<string, string>;

/** One item of {@link L2Store.setMany}. */
export interface L2Write {
  key: string;
  record: L2Record;
  deps: EntryDeps;
  /** How long the server keeps it (until `staleUntil`), in ms; at least 1. */
  ttlMs: number;
  /**
   * Versions of the entry's counters read *before* its value was produced (a factory's value: by the read
   * that missed). They are recorded as they are, so an invalidation that landed while the value was being
   * produced leaves the entry invalidated, never current. A counter missing here is read when the entry is
   * written.
   */
  versions?: L2Versions;
}

/** The connection of an L2 store that has one (Redis): lets the cache wait for it and replay after a blip. */
export interface L2Connection {
  /** `undefined` while connected; otherwise a promise that resolves once the connection is up. */
  whenReady(): Promise<void> | undefined;
  /** Whether commands sent while disconnected are queued until the connection is up (ioredis' offline queue). */
  readonly queuesOffline: boolean;
  /** Calls `listener` each time the connection becomes usable again; returns a function that stops it. */
  onReady(listener: () => void): () => void;
}

/** A shared tier (L2), such as Redis. Every method may reject; the cache guards each call with a timeout and a circuit breaker. */
export interface L2Store {
  /** Which implementation this is, for stats and logs. */
  readonly kind: string;
  /**
   * The store's connection, when it has one. Without it the cache sends at once and learns of a blip
   * only from failing calls.
   */
  readonly connection?: L2Connection;
  /**
   * Reads several keys; `undefined` for a missing or invalidated key. `counters` are the version
   * counters the entries are expected to depend on (their namespaces'), so a store can read them in
   * the same round trip; counters only known from an entry (its tags) may cost one more. With `versions`,
   * the store puts there the version it read of each of `counters` (with no keys, it only reads those).
   */
  getMany(
    keys: readonly string[],
    counters: readonly string[],
    versions?: Map<string, string>,
  ): Promise<(L2Read | undefined)[]>;
  /** Writes several entries in one round trip, recording the current value of each dependency counter. */
  setMany(writes: readonly L2Write[]): Promise<void>;
  /** Removes keys; resolves with how many existed. */
  delete(keys: readonly string[]): Promise<number>;
  /** Increments each counter, invalidating every entry that depends on it. */
  bump(counters: readonly string[]): Promise<void>;
  /** Takes the lease on `key` for `ttlMs` when nobody holds it; true when taken. */
  acquireLease(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease back if `token` still holds it. */
  releaseLease(key: string, token: string): Promise<void>;
}
