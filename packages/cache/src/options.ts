import type { Clock, Duration, Log, Logger } from '../../../internal/src/index.ts';
import { clockOption, loggerOption } from '../../../internal/src/index.ts';
import type { CacheBus } from './bus.ts';
import { checks, invalidOption } from './errors.ts';
import { checkNamespace, checkTags } from './keys.ts';
import { memoryStore } from './memory/cache-store.ts';
import { defaultSerializer, type Serializer } from './serializer.ts';
import type { L1Store, L2Store } from './store.ts';

/** Factory time limits. */
export interface FactoryTimeouts {
  /**
   * With a stale value at hand, how long to wait for the refresh before serving the stale value
   * (the refresh keeps running in the background). `0` serves stale at once: stale-while-revalidate.
   * @default 0
   */
  soft?: Duration;
  /**
   * Longest wait for a factory; past it the caller gets `ERR_CACHE_FACTORY_TIMEOUT` (or the stale
   * value, see `staleOnHardTimeout`) while the factory keeps running and fills the cache when done.
   * Unlimited when not set.
   * @default undefined
   */
  hard?: Duration;
}

/** Distributed single-flight through an L2 lease. */
export interface DistributedOptions {
  /**
   * How long a lease is held at most (a crashed holder frees the key after this).
   * @default '10s'
   */
  leaseTtl?: Duration;
  /**
   * How long a process waits for another's lease before running the factory itself.
   * @default leaseTtl
   */
  wait?: Duration;
}

/** Options that can be set on the cache and overridden per call. */
export interface EntryOptions {
  /**
   * How long a value is fresh.
   * @default '5m'
   */
  ttl?: Duration;
  /**
   * How long after `ttl` an expired value may still be served stale while it is refreshed.
   * @default 0 (no grace)
   */
  grace?: Duration;
  /**
   * Randomly shortens each `ttl` by up to this fraction (0..1), so keys written together do not expire together.
   * @default 0
   */
  jitter?: number;
}

/** Per-call options of `getOrSet`. */
export interface GetOrSetOptions extends EntryOptions {
  /**
   * Tags stored with the value (for `deleteByTag`/`expireByTag`); the factory may replace them with `ctx.setTags`.
   * @default []
   */
  tags?: readonly string[];
  /**
   * Factory time limits for this call.
   * @default the cache's `timeouts`
   */
  timeouts?: FactoryTimeouts;
  /** Serve the stale value instead of throwing when the hard timeout passes. @default the cache's setting */
  staleOnHardTimeout?: boolean;
  /** Distributed single-flight for this call (needs an L2). @default the cache's setting */
  distributed?: boolean | DistributedOptions;
}

/** Per-call options of `set`/`setMany`. */
export interface SetOptions extends EntryOptions {
  /**
   * Tags stored with the value, for `deleteByTag`/`expireByTag`.
   * @default []
   */
  tags?: readonly string[];
}

/** Options of `createCache`. */
export interface CacheOptions extends EntryOptions {
  /**
   * In-process tier holding live values; `false` for an L2-only cache.
   * @default memoryStore() (false is required explicitly, so an L2-only cache is a choice)
   */
  l1?: L1Store | false;
  /**
   * Shared tier holding serialised values, e.g. `redisStore({ client })`.
   * @default undefined (no L2)
   */
  l2?: L2Store;
  /**
   * Carries invalidations to the L1 of other instances, e.g. `redisBus({ publisher, subscriber })`.
   * @default undefined (no bus)
   */
  bus?: CacheBus;
  /**
   * Factory, L2 and start-up time limits.
   * @default { soft: 0, hard: undefined, l2: 1000, ready: '5s' }
   */
  timeouts?: FactoryTimeouts & {
    /**
     * Longest wait for any L2 call (waiting for the connection included); past it the call counts as failed
     * and the cache carries on without L2.
     * @default 1000
     */
    l2?: Duration;
    /**
     * Longest wait of `ready()` for the L2 connection and the bus subscription; it then resolves with what is
     * up, so an app starts even while Redis is down.
     * @default '5s'
     */
    ready?: Duration;
  };
  /**
   * Serve the stale value (when there is one) instead of throwing when the hard timeout passes.
   * @default true
   */
  staleOnHardTimeout?: boolean;
  /**
   * After a factory fails and the stale value was served, how long to keep serving it before calling the factory again.
   * @default '5s'
   */
  failureBackoff?: Duration;
  /**
   * Turns values into L2 payloads and back. Only L2 uses it.
   * @default createSerializer()
   */
  serializer?: Serializer;
  /** Root namespace: every key lives under `<namespace>:`. @default undefined (no namespace) */
  namespace?: string;
  /** Time source for entry freshness, the circuit breaker and every timeout. @default systemClock */
  clock?: Clock;
  /**
   * Circuit breaker around L2.
   * @default { threshold: 3, openFor: '2s' }
   */
  circuitBreaker?: {
    /** Consecutive L2 failures (errors or timeouts) that open it. @default 3 */
    threshold?: number;
    /** How long L2 is skipped before one probe call. @default '2s' */
    openFor?: Duration;
  };
  /** Distributed single-flight for every `getOrSet` (needs an L2); per-call `distributed` overrides it. @default false */
  distributed?: boolean | DistributedOptions;
  /** Receives warnings (L2 and bus failures, writes that missed L2) and errors; pino-shaped. @default none */
  logger?: Logger;
}

/** Entry options with durations parsed, as the cache uses them. */
export interface ResolvedEntryOptions {
  ttl: number;
  grace: number;
  jitter: number;
}

/** Resolved distributed single-flight settings. */
export interface ResolvedDistributed {
  leaseTtl: number;
  wait: number;
}

/** Every cache option, checked and defaulted. */
export interface ResolvedOptions {
  entry: ResolvedEntryOptions;
  l1: L1Store | undefined;
  l2: L2Store | undefined;
  bus: CacheBus | undefined;
  soft: number;
  hard: number | undefined;
  l2Timeout: number;
  readyTimeout: number;
  staleOnHardTimeout: boolean;
  failureBackoff: number;
  serializer: Serializer;
  namespacePath: string;
  clock: Clock;
  breaker: { threshold: number; openFor: number };
  distributed: ResolvedDistributed | undefined;
  log: Log;
}

/** Checks every option of `createCache` at once, naming the first bad one. */
export function resolveOptions(options: CacheOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw invalidOption('options', 'must be an object');
  const l1 = options.l1 === false ? undefined : (options.l1 ?? memoryStore());
  if (l1 !== undefined) requireMethods(l1, 'l1', ['get', 'set', 'delete', 'bump', 'clear']);
  if (options.l2 !== undefined) requireMethods(options.l2, 'l2', ['getMany', 'setMany', 'delete', 'bump']);
  if (options.bus !== undefined) requireMethods(options.bus, 'bus', ['subscribe', 'publish']);
  if (l1 === undefined && options.l2 === undefined)
    throw invalidOption('l1', 'is false and no l2 is given: the cache needs a tier');
  if (options.bus !== undefined && l1 === undefined) throw invalidOption('bus', 'only invalidates L1, and l1 is false');
  if (options.serializer !== undefined) requireMethods(options.serializer, 'serializer', ['serialize', 'deserialize']);
  const threshold = checks.number(options.circuitBreaker?.threshold, 'circuitBreaker.threshold', {
    default: 3,
    min: 1,
    integer: true,
  });
  const l2Timeout = checks.duration(options.timeouts?.l2, 'timeouts.l2', { default: 1000, positive: true });
  return {
    entry: resolveEntry(options, { ttl: 300_000, grace: 0, jitter: 0 }, ''),
    l1,
    l2: options.l2,
    bus: options.bus,
    soft: checks.duration(options.timeouts?.soft, 'timeouts.soft', { default: 0 }),
    hard: checks.optionalDuration(options.timeouts?.hard, 'timeouts.hard', { positive: true }),
    l2Timeout,
    readyTimeout: checks.duration(options.timeouts?.ready, 'timeouts.ready', { default: 5000, positive: true }),
    staleOnHardTimeout: checks.boolean(options.staleOnHardTimeout, 'staleOnHardTimeout', true),
    failureBackoff: checks.duration(options.failureBackoff, 'failureBackoff', { default: 5000 }),
    serializer: options.serializer ?? defaultSerializer,
    namespacePath: options.namespace === undefined ? '' : `${checkNamespace(options.namespace)}:`,
    clock: clockOption(options.clock, invalidOption),
    breaker: {
      threshold,
      openFor: checks.duration(options.circuitBreaker?.openFor, 'circuitBreaker.openFor', { default: 2000 }),
    },
    distributed: resolveDistributed(options.distributed, undefined, 'distributed'),
    log: loggerOption(options.logger, invalidOption),
  };
}

/** Applies per-call entry options over the cache's; `where` prefixes option names in errors. */
export function resolveEntry(
  options: EntryOptions | undefined,
  base: ResolvedEntryOptions,
  where: string,
): ResolvedEntryOptions {
  if (options === undefined) return base;
  if (options.ttl === undefined && options.grace === undefined && options.jitter === undefined) return base;
  return {
    ttl: checks.duration(options.ttl, `${where}ttl`, { default: base.ttl, positive: true }),
    grace: checks.duration(options.grace, `${where}grace`, { default: base.grace }),
    jitter: checks.number(options.jitter, `${where}jitter`, { default: base.jitter, min: 0, max: 1 }),
  };
}

/** Resolves a `distributed` option; `undefined` keeps `base`. */
export function resolveDistributed(
  value: boolean | DistributedOptions | undefined,
  base: ResolvedDistributed | undefined,
  option: string,
): ResolvedDistributed | undefined {
  if (value === undefined) return base;
  if (value === false) return undefined;
  if (value === true) return base ?? { leaseTtl: 10_000, wait: 10_000 };
  if (typeof value !== 'object' || value === null)
    throw invalidOption(option, 'must be a boolean or { leaseTtl, wait }');
  const leaseTtl = checks.duration(value.leaseTtl, `${option}.leaseTtl`, { default: 10_000, positive: true });
  return { leaseTtl, wait: checks.duration(value.wait, `${option}.wait`, { default: leaseTtl }) };
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/** Checks a tag list option, or returns `[]`. */
export function resolveTags(tags: readonly string[] | undefined, option: string): readonly string[] {
  // A frozen copy: the caller may reuse and change its array after the call.
  if (tags === undefined) return NO_TAGS;
  const checked = checkTags(tags, option);
  return checked.length === 0 ? NO_TAGS : Object.freeze([...checked]);
}

function requireMethods(value: unknown, option: string, methods: readonly string[]): void {
  const missing = methods.filter((m) => typeof (value as Record<string, unknown> | null)?.[m] !== 'function');
  if (missing.length > 0)
    throw invalidOption(option, `is missing ${missing.join(', ')}(); pass a store/bus from @infra/cache`);
}
