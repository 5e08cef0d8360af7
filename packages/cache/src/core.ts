import { randomUUID } from 'node:crypto';
import type { BusMessage } from './bus.ts';
import { BusLink } from './bus-link.ts';
import { cacheChannels as channels } from './channels.ts';
import { CacheError } from './errors.ts';
import { counters } from './keys.ts';
import { L2Guard, UNAVAILABLE } from './l2-guard.ts';
import type { ResolvedEntryOptions, ResolvedOptions } from './options.ts';
import type { EntryDeps, EntryMeta, L1Store, L2Read, L2Store, L2Versions, L2Write } from './store.ts';

/** The namespace a read happens in: its counters, and the dependencies of an entry with given tags. */
export interface Scope {
  readonly counters: readonly string[];
  deps(tags: readonly string[]): EntryDeps;
}

/**
 * A copy into L1 in flight: an L2 read or a factory whose result will be written to L1. It is void once an
 * invalidation reached this instance meanwhile (a counter bump, a delete or write of its key, a bus resync):
 * the result may predate it, and L1 has no versions of its own to tell.
 */
export interface Ticket {
  readonly key: string;
  readonly epoch: number;
  voided: boolean;
}

/** An item of {@link CacheCore.write}. */
export interface WriteItem {
  key: string;
  value: unknown;
  meta: EntryMeta;
  deps: EntryDeps;
  /** L2 counter versions read before the value was produced (see `L2Write.versions`). */
  versions?: L2Versions | undefined;
  /** Taken before the value was read or produced: a void ticket keeps the value out of L1. */
  ticket?: Ticket | undefined;
}

/** A value found in a tier, with its timing. */
export interface Found extends EntryMeta {
  value: unknown;
  tier: 'l1' | 'l2';
}

/** What the core counts; `Cache.stats()` adds sizes and states. */
export interface Counters {
  l1Hits: number;
  l1Misses: number;
  l2Hits: number;
  l2Misses: number;
  staleServed: number;
  factoryCalls: number;
  factoryErrors: number;
  singleFlightWaits: number;
  leaseWaits: number;
  l2WriteFailures: number;
}

/** The events a cache emits. */
export interface CacheEvents {
  /** L2 stopped answering; the cache serves from L1 and factories until it returns. */
  degraded: { error: unknown };
  /** L2 answers again. */
  recovered: Record<string, never>;
  /**
   * A write (`set`, `setMany`, `expire`, a factory's result) could not reach L2 within `timeouts.l2`: the
   * value is in this instance's L1 only (its old L2 copy is deleted once L2 is back).
   */
  'write-failed': { keys: readonly string[]; error: unknown };
}

/** What `cache.ready()` found within its timeout. */
export interface CacheReadiness {
  /** Whether everything below was usable within the timeout. */
  ready: boolean;
  /** The L2 connection: `'ready'`, `'unavailable'` (not up within the timeout), or `undefined` without L2. */
  l2: 'ready' | 'unavailable' | undefined;
  /** The bus subscription: `'subscribed'`, `'unavailable'`, or `undefined` without a bus. */
  bus: 'subscribed' | 'unavailable' | undefined;
}

type Listener<E extends keyof CacheEvents> = (event: CacheEvents[E]) => void;

/**
 * State shared by a cache and all its namespaces: tiers, L2 guard, bus, in-flight factories,
 * waiters and counters. One core per `createCache` call, so two caches never share a single-flight map.
 */
export class CacheCore {
  readonly options: ResolvedOptions;
  readonly l1: L1Store | undefined;
  readonly l2: L2Guard | undefined;
  readonly id = randomUUID();
  readonly flights = new Map<string, Promise<unknown>>();
  /** The counters each flight's value depends on: bumping one detaches the flight (see {@link #detach}). */
  readonly flightDeps = new WeakMap<Promise<unknown>, readonly string[]>();
  /** Keys whose factory failed recently: serve stale until then. */
  readonly backoff = new Map<string, number>();
  readonly counters: Counters = {
    l1Hits: 0,
    l1Misses: 0,
    l2Hits: 0,
    l2Misses: 0,
    staleServed: 0,
    factoryCalls: 0,
    factoryErrors: 0,
    singleFlightWaits: 0,
    leaseWaits: 0,
    l2WriteFailures: 0,
  };
  readonly #reads = new Map<string, { found: Promise<Found | undefined>; versions: Map<string, string> }>();
  /** Counts invalidations of counters reaching this instance (local, bus, resync); see {@link Ticket}. */
  #epoch = 0;
  /** Copies in flight per key: one ticket (the common case, no set to allocate) or several. */
  readonly #tickets = new Map<string, Ticket | Set<Ticket>>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #listeners: { [E in keyof CacheEvents]: Set<Listener<E>> } = {
    degraded: new Set(),
    recovered: new Set(),
    'write-failed': new Set(),
  };
  readonly #background = new Set<Promise<unknown>>();
  /** The bus, when there is one: sending, replaying and applying invalidations (bus-link.ts). */
  readonly bus: BusLink | undefined;
  /** When too many invalidations missed L2, everything in L2 is invalidated on recovery instead. */
  readonly #overflow = (): Promise<unknown> => this.l2?.store.bump([counters.namespace('')]) ?? Promise.resolve();
  closed = false;

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.l1 = options.l1;
    this.l2 =
      options.l2 === undefined
        ? undefined
        : new L2Guard({
            store: options.l2,
            timeout: options.l2Timeout,
            clock: options.clock,
            breaker: options.breaker,
            log: options.log,
            events: {
              degraded: (error) => this.#emit('degraded', { error }),
              recovered: () => this.#emit('recovered', {}),
              usable: () => {
                if (this.bus !== undefined) this.track(this.bus.republish());
              },
            },
          });
    this.bus =
      options.bus === undefined
        ? undefined
        : new BusLink({
            bus: options.bus,
            id: this.id,
            l1: this.l1,
            log: options.log,
            onKey: (key) => {
              this.#void(key);
              this.#wake(key);
            },
            onInvalidate: (names) => this.#detach(names),
            track: (promise) => this.track(promise),
          });
  }

  /**
   * Waits up to `timeout` ms for the L2 connection and the bus subscription, then says which are up.
   * Never rejects: a cache whose Redis is down still serves from L1 and factories, so an app can start.
   */
  async ready(timeout: number): Promise<CacheReadiness> {
    const [l2Up, subscribed] = await Promise.all([
      this.l2?.ready(timeout) ?? true,
      this.bus?.subscribed(timeout, this.options.clock) ?? true,
    ]);
    const l2 = this.l2 === undefined ? undefined : l2Up ? 'ready' : 'unavailable';
    const bus = this.bus === undefined ? undefined : subscribed ? 'subscribed' : 'unavailable';
    return { ready: l2 !== 'unavailable' && bus !== 'unavailable', l2, bus };
  }

  on<E extends keyof CacheEvents>(event: E, listener: Listener<E>): () => void {
    const set = this.#listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  assertOpen(): void {
    if (this.closed) throw new CacheError('ERR_CACHE_CLOSED', 'The cache is closed');
  }

  /** Starts a copy into L1 for `key`; end it with {@link release}. */
  ticket(key: string): Ticket {
    const ticket: Ticket = { key, epoch: this.#epoch, voided: false };
    const held = this.#tickets.get(key);
    if (held === undefined) this.#tickets.set(key, ticket);
    else if (held instanceof Set) held.add(ticket);
    else this.#tickets.set(key, new Set([held, ticket]));
    return ticket;
  }

  release(ticket: Ticket): void {
    const held = this.#tickets.get(ticket.key);
    if (held === ticket) this.#tickets.delete(ticket.key);
    else if (held instanceof Set && held.delete(ticket) && held.size === 0) this.#tickets.delete(ticket.key);
  }

  /** Whether nothing invalidated what `ticket` copies since it was taken. */
  valid(ticket: Ticket | undefined): boolean {
    return ticket === undefined || (!ticket.voided && ticket.epoch === this.#epoch);
  }

  /**
   * `key` was deleted or written: copies in flight (but `own`) hold an older value, and so may its flight,
   * unless the write is that flight's own (`keepFlight`).
   */
  #void(key: string, own?: Ticket, keepFlight = false): void {
    const held = this.#tickets.get(key);
    if (held instanceof Set) {
      for (const ticket of held) if (ticket !== own) ticket.voided = true;
    } else if (held !== undefined && held !== own) {
      held.voided = true;
    }
    if (!keepFlight) this.flights.delete(key);
  }

  /**
   * Counters were bumped: flights whose value depends on one are detached, so a caller arriving after the
   * invalidation starts a new factory call instead of joining one that may have read the old data.
   */
  #detach(names: readonly string[]): void {
    this.#epoch++;
    if (this.flights.size === 0) return;
    for (const [key, flight] of this.flights) {
      const deps = this.flightDeps.get(flight);
      if (deps?.some((name) => names.includes(name)) === true) this.flights.delete(key);
    }
  }

  /**
   * Looks `key` up in L1, then L2; an L2 value is copied into L1. Stale values are returned too
   * (check `freshUntil`). `scope` says which namespace counters the entry depends on. `onVersions` is
   * given the map the L2 read fills with the counter versions it reads (complete once the read resolves):
   * what a value produced after this read must be written with.
   */
  read(
    key: string,
    scope: Scope,
    onVersions?: (versions: ReadonlyMap<string, string>) => void,
  ): Promise<Found | undefined> {
    let found: Found | undefined;
    if (this.l1 !== undefined) {
      const now = this.options.clock.now();
      const entry = this.l1.get(key, now);
      if (entry !== undefined) {
        found = {
          value: entry.value,
          createdAt: entry.createdAt,
          freshUntil: entry.freshUntil,
          staleUntil: entry.staleUntil,
          tags: entry.tags,
          tier: 'l1',
        };
        if (entry.freshUntil > now) {
          this.counters.l1Hits++;
          return Promise.resolve(found);
        }
      }
      this.counters.l1Misses++;
    }
    if (this.l2 === undefined) return Promise.resolve(found);
    // Not async on purpose: an L2-only read returns L2's promise as is, without an extra hop.
    const pending = this.#reads.get(key) ?? this.#readL2(key, scope);
    onVersions?.(pending.versions);
    const fromL2 = pending.found;
    if (found === undefined) return fromL2;
    const inL1 = found;
    // Prefer whichever copy is newer; L1 may hold a value L2 lost in a restart.
    return fromL2.then((l2) => (l2 === undefined || inL1.createdAt > l2.createdAt ? inL1 : l2));
  }

  /**
   * {@link read} for several keys, counted the same way: fresh L1 entries answer at once, and the rest are
   * read from L2 in one round trip (an L2 value is copied into L1). Stale values are returned too.
   */
  async readMany(keys: readonly string[], scope: Scope): Promise<(Found | undefined)[]> {
    const now = this.options.clock.now();
    const results: (Found | undefined)[] = new Array(keys.length).fill(undefined);
    const missing: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const entry = this.l1?.get(keys[i] as string, now);
      if (entry !== undefined) {
        results[i] = { ...entry, tier: 'l1' };
        if (entry.freshUntil > now) {
          this.counters.l1Hits++;
          continue;
        }
      }
      if (this.l1 !== undefined) this.counters.l1Misses++;
      missing.push(i);
    }
    const l2 = this.l2;
    if (missing.length === 0 || l2 === undefined) return results;
    const tickets = missing.map((i) => this.ticket(keys[i] as string));
    let reads: Awaited<ReturnType<L2Store['getMany']>> | typeof UNAVAILABLE;
    try {
      reads = await l2.read('getMany', (store) =>
        store.getMany(
          missing.map((i) => keys[i] as string),
          scope.counters,
        ),
      );
    } finally {
      for (const ticket of tickets) this.release(ticket);
    }
    const fresh = this.options.clock.now();
    missing.forEach((index, j) => {
      const read = reads === UNAVAILABLE ? undefined : reads[j];
      const found = read === undefined ? undefined : this.fromL2(keys[index] as string, read, scope, tickets[j]);
      if (found !== undefined && found.freshUntil > fresh) this.counters.l2Hits++;
      else this.counters.l2Misses++;
      // Prefer whichever copy is newer, as read() does.
      const inL1 = results[index];
      if (found !== undefined && (inL1 === undefined || found.createdAt >= inL1.createdAt)) results[index] = found;
    });
    return results;
  }

  /** One L2 read per key at a time: concurrent misses share the round trip as they share the factory. */
  #readL2(key: string, scope: Scope): { found: Promise<Found | undefined>; versions: Map<string, string> } {
    const versions = new Map<string, string>();
    const read = { found: this.#readL2Once(key, scope, versions), versions };
    this.#reads.set(key, read);
    return read;
  }

  async #readL2Once(key: string, scope: Scope, versions: Map<string, string>): Promise<Found | undefined> {
    let reads: Awaited<ReturnType<L2Store['getMany']>> | typeof UNAVAILABLE;
    const ticket = this.ticket(key);
    try {
      reads = await (this.l2 as L2Guard).read('get', (store) => store.getMany([key], scope.counters, versions));
    } finally {
      this.#reads.delete(key);
      this.release(ticket);
    }
    const read = reads === UNAVAILABLE ? undefined : reads[0];
    if (read === undefined) {
      this.counters.l2Misses++;
      return undefined;
    }
    const found = this.fromL2(key, read, scope, ticket);
    if (found !== undefined && found.freshUntil > this.options.clock.now()) this.counters.l2Hits++;
    else this.counters.l2Misses++;
    return found;
  }

  /**
   * Decodes an L2 read and copies it into L1 (unless `ticket` went void during the read); `undefined` when
   * past its grace by this cache's clock.
   */
  fromL2(key: string, read: L2Read, scope: Scope, ticket?: Ticket): Found | undefined {
    const now = this.options.clock.now();
    if (read.staleUntil <= now) return undefined;
    let value: unknown;
    try {
      value = this.options.serializer.deserialize(read.payload);
    } catch (error) {
      // A payload this serializer cannot read (another app's format, a serializer change) is a miss.
      this.options.log('warn', { err: error, key }, 'cache could not read an L2 entry; treating it as a miss');
      return undefined;
    }
    const freshUntil = read.expiredByTag ? Math.min(read.freshUntil, now) : read.freshUntil;
    const { createdAt, staleUntil, tags } = read;
    if (this.valid(ticket)) this.l1?.set(key, { value, createdAt, freshUntil, staleUntil, tags }, scope.deps(tags));
    return { value, createdAt, freshUntil, staleUntil, tags, tier: 'l2' };
  }

  /** Entry timing for a write made now. */
  timing(entry: ResolvedEntryOptions): { createdAt: number; freshUntil: number; staleUntil: number } {
    const createdAt = this.options.clock.now();
    const ttl = entry.jitter > 0 ? Math.max(1, Math.round(entry.ttl * (1 - Math.random() * entry.jitter))) : entry.ttl;
    return { createdAt, freshUntil: createdAt + ttl, staleUntil: createdAt + ttl + entry.grace };
  }

  /**
   * Writes entries to L1 at once and to L2 (one round trip), then tells other instances. Serialisation
   * errors throw synchronously, before anything is written; the returned promise settles when L2 has
   * the entries (or has been given up on) and never rejects.
   *
   * An item whose ticket went void is kept out of L1 (an invalidation reached this instance while its
   * value was being produced); if its key was deleted or written meanwhile, it is not written at all.
   */
  write(items: readonly WriteItem[]): Promise<void> {
    let kept = items;
    if (items.some((item) => item.ticket?.voided === true)) kept = items.filter((item) => item.ticket?.voided !== true);
    const writes: L2Write[] =
      this.l2 === undefined
        ? []
        : kept.map(({ key, value, meta, deps, versions }) => {
            const write: L2Write = {
              key,
              record: { ...meta, payload: this.options.serializer.serialize(value) },
              deps,
              ttlMs: Math.max(1, meta.staleUntil - meta.createdAt),
            };
            if (versions !== undefined) write.versions = versions;
            return write;
          });
    for (const { key, value, meta, deps, ticket } of kept) {
      if (this.valid(ticket)) this.l1?.set(key, { ...meta, value }, deps);
      this.backoff.delete(key);
      // Copies of this key still in flight hold an older value.
      this.#void(key, ticket, ticket !== undefined);
    }
    if (kept.length === 0) return Promise.resolve();
    return this.#persist(
      writes,
      kept.map((i) => i.key),
    );
  }

  async #persist(writes: readonly L2Write[], keys: readonly string[]): Promise<void> {
    if (this.l2 !== undefined && writes.length > 0) {
      const written = await this.l2.run('set', (store) => store.setMany(writes));
      if (written === UNAVAILABLE) {
        // L2 may still hold the value this write replaced: delete it there once L2 is back.
        this.l2.defer((store) => store.delete(keys), this.#overflow);
        this.#writeFailed(keys, this.l2.lastError);
      }
    }
    // Published after L2 has the value, so an instance that drops its L1 and re-reads L2 finds it.
    this.publish({ keys });
  }

  /** Says, every way the cache can, that a write reached L1 only: never a silent loss. */
  #writeFailed(keys: readonly string[], error: unknown): void {
    this.counters.l2WriteFailures += keys.length;
    this.options.log('warn', { err: error, keys }, 'cache write could not reach L2; the value is in L1 only');
    if (channels['write-failed'].hasSubscribers) channels['write-failed'].publish({ keys, error });
    this.#emit('write-failed', { keys, error });
  }

  /** Deletes keys from every tier and from other instances' L1. */
  async delete(keys: readonly string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) {
      this.#void(key);
      if (this.l1?.delete(key) === true) removed++;
    }
    if (this.l2 !== undefined) {
      let fromL2 = 0;
      await this.l2.invalidate(
        'delete',
        async (store) => {
          fromL2 = await store.delete(keys);
        },
        this.#overflow,
      );
      removed = Math.max(removed, fromL2);
      // A read that started before the delete reached L2 may have found the old value.
      for (const key of keys) this.#void(key);
    }
    this.publish({ keys });
    return removed;
  }

  /** Bumps version counters everywhere: the O(1) invalidation behind clear() and tags. */
  async bump(names: readonly string[]): Promise<void> {
    this.#detach(names);
    this.l1?.bump(names);
    if (this.l2 !== undefined) {
      await this.l2.invalidate('bump', (store) => store.bump(names), this.#overflow);
      this.#detach(names);
    }
    this.publish({ counters: names });
  }

  /** Tells other instances (through the bus, if any) to drop what this instance invalidated. */
  publish(message: Omit<BusMessage, 'source'>): void {
    this.bus?.publish(message);
  }

  /** Resolves when `key` is written by another instance, or after `ms`. */
  waitForKey(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(key);
      if (set === undefined) {
        set = new Set();
        this.#waiters.set(key, set);
      }
      const waiters = set;
      const clock = this.options.clock;
      const done = (): void => {
        clock.clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        resolve();
      };
      const timer = clock.setTimeout(done, ms).unref();
      waiters.add(done);
    });
  }

  /** Keeps a background promise referenced until it settles, so close() can wait for it. */
  track(promise: Promise<unknown>): void {
    this.#background.add(promise);
    void promise.finally(() => this.#background.delete(promise));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiters of this.#waiters.values()) for (const wake of [...waiters]) wake();
    await Promise.allSettled([...this.#background]);
    await this.l2?.close();
    await this.bus?.stop();
  }

  #wake(key: string): void {
    const waiters = this.#waiters.get(key);
    if (waiters !== undefined) for (const wake of [...waiters]) wake();
  }

  #emit<E extends keyof CacheEvents>(event: E, payload: CacheEvents[E]): void {
    for (const listener of this.#listeners[event] as Set<Listener<E>>) {
      try {
        listener(payload);
      } catch (error) {
        this.options.log('error', { err: error, event }, 'cache event listener threw');
      }
    }
  }
}
