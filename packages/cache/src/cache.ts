import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../internal/src/index.ts';
import { withDeadline } from '../../../internal/src/index.ts';
import { cacheChannels as channels } from './channels.ts';
import { CacheCore, type CacheEvents, type CacheReadiness, type Found, type Scope, type Ticket } from './core.ts';
import { CacheError, checks, invalidOption } from './errors.ts';
import type { Factory, FactoryContext } from './factory.ts';
import { checkKey, checkNamespace, checkTags, counters } from './keys.ts';
import { UNAVAILABLE } from './l2-guard.ts';
import {
  type CacheOptions,
  type GetOrSetOptions,
  type ResolvedDistributed,
  type ResolvedEntryOptions,
  resolveDistributed,
  resolveEntry,
  resolveOptions,
  resolveTags,
  type SetOptions,
} from './options.ts';
import { type CacheStats, statsOf } from './stats.ts';
import type { EntryDeps, L2Store, L2Versions } from './store.ts';

/** One item of {@link Cache.setMany}. */
export interface SetManyItem<T = unknown> extends SetOptions {
  key: string;
  value: T;
}

/**
 * Creates a cache: memory L1 by default, plus an L2 (e.g. Redis) and a bus for multi-instance set-ups.
 *
 * @example
 * const cache = createCache({ ttl: '1m', grace: '10m' });
 * const user = await cache.getOrSet(`user:${id}`, () => db.findUser(id), { tags: [`team:${teamId}`] });
 */
export function createCache(options: CacheOptions = {}): Cache {
  const core = new CacheCore(resolveOptions(options));
  return construct(core, core.options.namespacePath, core.options.entry, true);
}

/** The constructor of {@link Cache}, kept out of its public type (which must not name the internal core). */
let construct: (core: CacheCore, path: string, entry: ResolvedEntryOptions, root: boolean) => Cache;

/** A cache, or a namespace of one (see {@link Cache.namespace}). Create with {@link createCache}. */
export class Cache {
  readonly #core: CacheCore;
  readonly #path: string;
  readonly #entry: ResolvedEntryOptions;
  readonly #removeDeps: readonly string[];
  readonly #root: boolean;
  readonly #scope: Scope;

  static {
    construct = (core, path, entry, root) => new Cache(core, path, entry, root);
  }

  /** Use {@link createCache}, or `cache.namespace(name)`. */
  private constructor(core: CacheCore, path: string, entry: ResolvedEntryOptions, root: boolean) {
    this.#core = core;
    this.#path = path;
    this.#entry = entry;
    this.#root = root;
    // An entry depends on the version of every enclosing namespace, so clearing a parent clears its children.
    const ancestors = [''];
    for (let i = path.indexOf(':'); i !== -1; i = path.indexOf(':', i + 1)) ancestors.push(path.slice(0, i + 1));
    this.#removeDeps = Object.freeze(ancestors.map(counters.namespace));
    this.#scope = { counters: this.#removeDeps, deps: this.#deps };
  }

  /**
   * Waits for the L2 connection and the bus subscription, at most `timeouts.ready` (default 5 s), and
   * resolves with what is up: `{ ready, l2, bus }`. It never rejects, so an app starts while Redis is down
   * (the cache then serves from L1 and factories, and picks Redis up when it comes). Call it before relying
   * on cross-instance invalidation; check `ready` to report start-up health.
   */
  ready(): Promise<CacheReadiness> {
    return this.#core.ready(this.#core.options.readyTimeout);
  }

  /** The fresh value of `key`, or `undefined`. */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    this.#core.assertOpen();
    const k = this.#key(key);
    const found = await this.#core.read(k, this.#scope);
    if (found !== undefined && found.freshUntil > this.#core.options.clock.now()) return this.#hit(key, found) as T;
    this.#miss(key);
    return undefined;
  }

  /** Fresh values of several keys, in order; L2 is read in one round trip. */
  async getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    this.#core.assertOpen();
    const found = await this.#core.readMany(
      keys.map((key) => this.#key(key)),
      this.#scope,
    );
    const now = this.#core.options.clock.now();
    return found.map((entry) => (entry !== undefined && entry.freshUntil > now ? (entry.value as T) : undefined));
  }

  /** Whether `key` has a fresh value. */
  async has(key: string): Promise<boolean> {
    this.#core.assertOpen();
    const found = await this.#core.read(this.#key(key), this.#scope);
    return found !== undefined && found.freshUntil > this.#core.options.clock.now();
  }

  /** Stores `value` under `key` in every tier and drops it from other instances' L1. */
  async set<T>(key: string, value: T, options?: SetOptions): Promise<void> {
    await this.setMany([{ ...options, key, value }]);
  }

  /** Stores several values; L2 is written in one round trip. */
  async setMany(items: readonly SetManyItem[]): Promise<void> {
    this.#core.assertOpen();
    if (!Array.isArray(items)) throw invalidOption('items', 'setMany expects an array of { key, value }');
    const writes = items.map((item, i) => {
      const key = this.#key(item.key);
      const entry = resolveEntry(item, this.#entry, items.length > 1 ? `items[${i}].` : '');
      const tags = resolveTags(item.tags, 'tags');
      return { key, value: item.value, meta: { ...this.#core.timing(entry), tags }, deps: this.#deps(tags) };
    });
    await this.#core.write(writes);
  }

  /**
   * The value of `key`, calling `factory` on a miss. Concurrent misses share one factory call;
   * with `grace`, an expired value is served while one refresh runs in the background.
   */
  getOrSet<T>(key: string, factory: Factory<T>, options?: GetOrSetOptions): Promise<T> {
    try {
      this.#core.assertOpen();
      const k = this.#key(key);
      const l1 = this.#core.l1;
      if (l1 !== undefined) {
        // The L1 fast path: no await, no allocation beyond the resolved promise.
        const now = this.#core.options.clock.now();
        const entry = l1.get(k, now);
        if (entry !== undefined && entry.freshUntil > now) {
          this.#core.counters.l1Hits++;
          if (channels.hit.hasSubscribers) channels.hit.publish({ key, tier: 'l1', stale: false });
          return Promise.resolve(entry.value as T);
        }
      }
      if (typeof factory !== 'function') throw invalidOption('factory', 'getOrSet needs a factory function');
      return this.#getOrSetSlow(key, k, factory, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Deletes `key` everywhere; true when some tier had it. */
  async delete(key: string): Promise<boolean> {
    return (await this.deleteMany([key])) > 0;
  }

  /** Deletes several keys everywhere (one L2 round trip); resolves with how many existed. */
  async deleteMany(keys: readonly string[]): Promise<number> {
    this.#core.assertOpen();
    return this.#core.delete(keys.map((key) => this.#key(key)));
  }

  /** Marks `key` expired but keeps it for its grace period, so `getOrSet` serves it stale while refreshing. */
  async expire(key: string): Promise<boolean> {
    this.#core.assertOpen();
    const k = this.#key(key);
    const core = this.#core;
    // The entry is written back as read: an invalidation landing in between must not be undone by it.
    const ticket = core.ticket(k);
    try {
      let versions: L2Versions | undefined;
      const found = await core.read(k, this.#scope, (read) => {
        versions = read;
      });
      if (found === undefined) return false;
      const now = core.options.clock.now();
      const meta = {
        createdAt: found.createdAt,
        freshUntil: Math.min(found.freshUntil, now),
        staleUntil: found.staleUntil,
        tags: found.tags,
      };
      if (meta.staleUntil <= now) return this.delete(key);
      const deps = this.#deps(found.tags);
      versions = await this.#versionsOf(deps, found.tier === 'l1' ? undefined : versions);
      // Invalidated since it was read: what expire() would have kept is gone already.
      if (!core.valid(ticket)) return true;
      await core.write([{ key: k, value: found.value, meta, deps, versions, ticket }]);
      return true;
    } finally {
      core.release(ticket);
    }
  }

  /** Deletes every entry carrying any of `tags` (in this namespace): they are gone, grace included. */
  async deleteByTag(tags: readonly string[]): Promise<void> {
    this.#core.assertOpen();
    await this.#core.bump(checkTags(tags).map((tag) => counters.tagRemove(this.#path, tag)));
  }

  /** Expires every entry carrying any of `tags` (in this namespace): they stay available as stale values for their grace period. */
  async expireByTag(tags: readonly string[]): Promise<void> {
    this.#core.assertOpen();
    await this.#core.bump(checkTags(tags).map((tag) => counters.tagExpire(this.#path, tag)));
  }

  /** Empties this cache (or namespace, children included) in O(1) by bumping its version; grace values go too. */
  async clear(): Promise<void> {
    this.#core.assertOpen();
    await this.#core.bump([counters.namespace(this.#path)]);
  }

  /** A child cache whose keys live under `name`; `clear()` on it leaves the rest alone. Shares tiers, bus and stats. */
  namespace(name: string): Cache {
    return construct(this.#core, `${this.#path}${checkNamespace(name, 'name')}:`, this.#entry, false);
  }

  /** Listens for `degraded`, `recovered` or `write-failed`; returns a function that stops listening. */
  on<E extends keyof CacheEvents>(event: E, listener: (event: CacheEvents[E]) => void): () => void {
    if (event !== 'degraded' && event !== 'recovered' && event !== 'write-failed') {
      throw invalidOption('event', `unknown cache event "${String(event)}"`);
    }
    return this.#core.on(event, listener);
  }

  /** A snapshot of hits, misses, factory calls, waits and tier health. */
  stats(): CacheStats {
    return statsOf(this.#core);
  }

  /**
   * Stops listening on the bus and waits for background refreshes. Clients passed in (Redis) are
   * the caller's to close. On a namespace this is a no-op: close the root cache.
   */
  async close(): Promise<void> {
    if (this.#root) await this.#core.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  readonly #deps = (tags: readonly string[]): EntryDeps => ({
    remove:
      tags.length === 0
        ? this.#removeDeps
        : [...this.#removeDeps, ...tags.map((t) => counters.tagRemove(this.#path, t))],
    expire: tags.map((t) => counters.tagExpire(this.#path, t)),
  });

  /** The namespace's scope with `tags`' counters read too, so a factory's value records their versions. */
  #scopeWith(tags: readonly string[]): Scope {
    const deps = this.#deps(tags);
    return { counters: [...deps.remove, ...deps.expire], deps: this.#deps };
  }

  /**
   * The L2 versions of `deps`' counters: those `read` holds (read before), the rest read now, before the
   * value they will be recorded with is produced. `undefined` without L2, or when L2 cannot say: the
   * store then reads them when it writes.
   */
  async #versionsOf(deps: EntryDeps, read: L2Versions | undefined): Promise<L2Versions | undefined> {
    const l2 = this.#core.l2;
    if (l2 === undefined) return undefined;
    // Every read that reached L2 read the namespace counters: without them it did not, and asking again
    // would only wait for another timeout.
    if (read !== undefined && !read.has(this.#removeDeps[0] as string)) return undefined;
    const missing: string[] = [];
    for (const name of deps.remove) if (read?.has(name) !== true) missing.push(name);
    for (const name of deps.expire) if (read?.has(name) !== true) missing.push(name);
    if (missing.length === 0) return read;
    const versions = new Map(read);
    const done = await l2.read('versions', (store) => store.getMany([], missing, versions));
    return done === UNAVAILABLE && read === undefined ? undefined : versions;
  }

  #key(key: string): string {
    return this.#path + checkKey(key);
  }

  #hit(key: string, found: Found): unknown {
    if (channels.hit.hasSubscribers) channels.hit.publish({ key, tier: found.tier, stale: false });
    return found.value;
  }

  #miss(key: string): void {
    if (channels.miss.hasSubscribers) channels.miss.publish({ key });
  }

  #served(key: string, value: unknown, reason: string): unknown {
    this.#core.counters.staleServed++;
    if (channels.stale.hasSubscribers) channels.stale.publish({ key, reason });
    return value;
  }

  async #getOrSetSlow<T>(
    key: string,
    k: string,
    factory: Factory<T>,
    options: GetOrSetOptions | undefined,
  ): Promise<T> {
    const core = this.#core;
    const call = this.#callOptions(options);
    // The versions this read finds are what a value produced after it is recorded with (see #produce).
    let versions: L2Versions | undefined;
    const found = await core.read(k, call.tags.length === 0 ? this.#scope : this.#scopeWith(call.tags), (read) => {
      versions = read;
    });
    const now = core.options.clock.now();
    if (found !== undefined && found.freshUntil > now) return this.#hit(key, found) as T;
    this.#miss(key);
    if (found === undefined) {
      return this.#await(key, this.#flight(key, k, factory, call, undefined, versions), call);
    }

    // A stale value is at hand: refresh once in the background, serve stale per the timeouts.
    const until = core.backoff.get(k);
    if (until !== undefined) {
      if (until > now) return this.#served(key, found.value, 'backoff') as T;
      core.backoff.delete(k);
    }
    const refresh = this.#flight(key, k, factory, call, found.value as T, versions);
    const guarded = refresh.catch((error: unknown) => {
      core.backoff.set(k, core.options.clock.now() + core.options.failureBackoff);
      core.options.log('warn', { err: error, key }, 'cache factory failed; serving the stale value');
      return STALE;
    });
    if (call.soft === 0) return this.#served(key, found.value, 'grace') as T;
    // A hard timeout shorter than the soft one wins, and may be told to throw rather than serve stale.
    const hardFirst = call.hard !== undefined && call.hard < call.soft;
    const outcome = await raceTimeout(guarded, hardFirst ? (call.hard as number) : call.soft, core.options.clock);
    if (outcome === TIMEOUT) {
      if (hardFirst && !call.staleOnHardTimeout) throw this.#timeoutError(key, call.hard as number);
      return this.#served(key, found.value, hardFirst ? 'hard-timeout' : 'soft-timeout') as T;
    }
    if (outcome === STALE) return this.#served(key, found.value, 'factory-error') as T;
    return outcome as T;
  }

  async #await<T>(key: string, flight: Promise<T>, call: CallOptions): Promise<T> {
    if (call.hard === undefined) return flight;
    const outcome = await raceTimeout(flight, call.hard, this.#core.options.clock);
    if (outcome !== TIMEOUT) return outcome as T;
    throw this.#timeoutError(key, call.hard);
  }

  #timeoutError(key: string, ms: number): CacheError {
    return new CacheError('ERR_CACHE_FACTORY_TIMEOUT', `The factory for "${key}" did not finish within ${ms} ms`, {
      status: 504,
    });
  }

  /** Joins the factory call in flight for `k`, or starts one: one call per key per cache, whatever the number of callers. */
  #flight<T>(
    key: string,
    k: string,
    factory: Factory<T>,
    call: CallOptions,
    stale: T | undefined,
    versions: L2Versions | undefined,
  ): Promise<T> {
    const core = this.#core;
    const existing = core.flights.get(k);
    if (existing !== undefined) {
      core.counters.singleFlightWaits++;
      if (channels.wait.hasSubscribers) channels.wait.publish({ key });
      return existing as Promise<T>;
    }
    const produced = this.#produce(key, k, factory, call, stale, versions);
    // Callers get the value as soon as the factory has it; the flight stays joinable until L2 has it
    // too, so a caller arriving in between neither misses L2 nor calls the factory again.
    const flight = produced.then((p) => p.value);
    core.flights.set(k, flight);
    const deps = this.#deps(call.tags);
    core.flightDeps.set(flight, deps.expire.length === 0 ? deps.remove : [...deps.remove, ...deps.expire]);
    const forget = (): void => {
      if (core.flights.get(k) === flight) core.flights.delete(k);
    };
    produced.then((p) => {
      core.track(p.persisted);
      void p.persisted.then(forget);
    }, forget);
    // A hard timeout may leave nobody awaiting the flight: keep its failure from going unhandled.
    // Factories are not awaited by close(): they are the app's code and a write after close() is skipped.
    flight.catch(() => {});
    return flight;
  }

  async #produce<T>(
    key: string,
    k: string,
    factory: Factory<T>,
    call: CallOptions,
    stale: T | undefined,
    read: L2Versions | undefined,
  ): Promise<{ value: T; persisted: Promise<unknown> }> {
    const core = this.#core;
    let lease: string | undefined;
    let ticket: Ticket | undefined;
    if (call.distributed !== undefined && core.l2 !== undefined) {
      const outcome = await this.#lease(k, call.distributed);
      if ('value' in outcome) return { value: outcome.value as T, persisted: Promise.resolve() };
      lease = outcome.token;
    }
    const release = (): Promise<unknown> => {
      if (ticket !== undefined) core.release(ticket);
      return lease === undefined
        ? Promise.resolve()
        : (core.l2?.run('releaseLease', (s) => s.releaseLease(k, lease as string)) ?? Promise.resolve());
    };
    try {
      // Versions first, then the value: an invalidation that lands while the factory runs leaves the entry
      // recording an older version, so it comes back invalidated, never current (docs/DESIGN.md).
      const versions = await this.#versionsOf(this.#deps(call.tags), read);
      ticket = core.ticket(k);
      let ttl: number | undefined;
      let tags = call.tags;
      let skipped = false;
      const context: FactoryContext<T> = {
        key,
        stale,
        setTtl: (value) => {
          ttl = checks.duration(value, 'ctx.setTtl', { positive: true });
        },
        setTags: (value) => {
          tags = resolveTags(value, 'ctx.setTags');
        },
        skip: () => {
          skipped = true;
        },
      };
      core.counters.factoryCalls++;
      const started = performance.now();
      let value: T;
      try {
        value = await factory(context);
      } catch (error) {
        core.counters.factoryErrors++;
        if (channels.factory.hasSubscribers)
          channels.factory.publish({ key, durationMs: performance.now() - started, error });
        throw error;
      }
      if (channels.factory.hasSubscribers) channels.factory.publish({ key, durationMs: performance.now() - started });
      let persisted: Promise<unknown> = Promise.resolve();
      if (!skipped && !core.closed) {
        const entry = ttl === undefined ? call.entry : { ...call.entry, ttl };
        persisted = core.write([
          { key: k, value, meta: { ...core.timing(entry), tags }, deps: this.#deps(tags), versions, ticket },
        ]);
      }
      // The lease goes only once L2 has the value, so other processes' waiters find the value, not a free lease.
      return { value, persisted: persisted.then(release) };
    } catch (error) {
      await release();
      throw error;
    }
  }

  /**
   * Distributed single-flight: take the key's lease, or wait for whoever holds it to write the value.
   * Waiters wake on the holder's bus message (or poll with backoff without a bus) and give up after `wait`.
   */
  async #lease(k: string, distributed: ResolvedDistributed): Promise<{ value: unknown } | { token?: string }> {
    const core = this.#core;
    const l2 = core.l2;
    if (l2 === undefined) return {};
    const token = randomUUID();
    const deadline = core.options.clock.now() + distributed.wait;
    let delay = 10;
    for (;;) {
      const taken = await l2.run('acquireLease', (store) => store.acquireLease(k, token, distributed.leaseTtl));
      if (taken === UNAVAILABLE) return {};
      const fresh = await this.#freshInL2(k);
      if (fresh !== undefined) {
        if (taken) await l2.run('releaseLease', (store) => store.releaseLease(k, token));
        return fresh;
      }
      if (taken) return { token };
      if (core.options.clock.now() >= deadline || core.closed) return {};
      core.counters.leaseWaits++;
      await core.waitForKey(k, delay);
      delay = Math.min(delay * 2, 200);
    }
  }

  async #freshInL2(k: string): Promise<{ value: unknown } | undefined> {
    const core = this.#core;
    const ticket = core.ticket(k);
    let reads: Awaited<ReturnType<L2Store['getMany']>> | typeof UNAVAILABLE | undefined;
    try {
      reads = await core.l2?.read('get', (store) => store.getMany([k], this.#removeDeps));
    } finally {
      core.release(ticket);
    }
    const read = reads === UNAVAILABLE ? undefined : reads?.[0];
    if (read === undefined) return undefined;
    const found = core.fromL2(k, read, this.#scope, ticket);
    return found !== undefined && found.freshUntil > core.options.clock.now() ? { value: found.value } : undefined;
  }

  #callOptions(options: GetOrSetOptions | undefined): CallOptions {
    const o = this.#core.options;
    if (options === undefined) {
      return {
        entry: this.#entry,
        tags: [],
        soft: o.soft,
        hard: o.hard,
        staleOnHardTimeout: o.staleOnHardTimeout,
        distributed: o.distributed,
      };
    }
    const soft = options.timeouts?.soft;
    const hard = options.timeouts?.hard;
    return {
      entry: resolveEntry(options, this.#entry, ''),
      tags: resolveTags(options.tags, 'tags'),
      soft: checks.duration(soft, 'timeouts.soft', { default: o.soft }),
      hard: hard === undefined ? o.hard : checks.duration(hard, 'timeouts.hard', { positive: true }),
      staleOnHardTimeout: options.staleOnHardTimeout ?? o.staleOnHardTimeout,
      distributed: resolveDistributed(options.distributed, o.distributed, 'distributed'),
    };
  }
}

interface CallOptions {
  entry: ResolvedEntryOptions;
  tags: readonly string[];
  soft: number;
  hard: number | undefined;
  staleOnHardTimeout: boolean;
  distributed: ResolvedDistributed | undefined;
}

const STALE: unique symbol = Symbol('stale');

const TIMEOUT: unique symbol = Symbol('timeout');
/** Rejection marker of {@link raceTimeout}'s deadline; never reaches a caller. */
const timedOut = new Error('timed out');

/** `promise`, or {@link TIMEOUT} once `ms` has passed on `clock` (the kernel's one deadline mechanism). */
function raceTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T | typeof TIMEOUT> {
  return withDeadline(promise, ms, clock, () => timedOut).catch((error: unknown) => {
    if (error === timedOut) return TIMEOUT;
    throw error;
  });
}
