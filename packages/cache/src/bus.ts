/**
 * What one cache instance tells the others: L1 keys to drop and version counters to bump.
 * Every invalidation (set, delete, expire, clear, tags) reduces to these two lists.
 */
export interface BusMessage {
  /** The sending instance; an instance ignores its own messages. */
  source: string;
  /** L1 keys (namespace path + key) to drop. */
  keys?: readonly string[];
  /** Version counters to bump in L1. */
  counters?: readonly string[];
}

/** Handlers a cache registers on its bus. */
export interface BusHandlers {
  /** A message from any instance (including this one; the cache filters by `source`). */
  message(message: BusMessage): void;
  /** The bus lost messages (it was disconnected): the cache drops its L1 to resync. */
  resync(): void;
  /** A publish or delivery problem worth logging. */
  error(error: unknown): void;
}

/** Carries invalidations between cache instances, e.g. `redisBus` over Redis pub/sub. */
export interface CacheBus {
  /** Which implementation this is, for stats and logs. */
  readonly kind: string;
  /** Starts delivering to `handlers` (subscribing as soon as the connection allows). */
  subscribe(handlers: BusHandlers): BusSubscription;
  /** Sends to every instance; rejects when it cannot (the cache logs it and carries on). */
  publish(message: BusMessage): Promise<void>;
}

/** A live subscription of a cache to its bus. */
export interface BusSubscription {
  /** Resolves once messages are being delivered. */
  readonly ready: Promise<void>;
  /** Stops delivery and unsubscribes. */
  stop(): Promise<void>;
}
