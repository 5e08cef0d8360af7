import type { Clock, Log } from '../../../internal/src/index.ts';
import { DeadlineQueue } from '../../../internal/src/index.ts';
import { cacheChannels as channels } from './channels.ts';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.ts';
import { CacheError } from './errors.ts';
import type { L2Store } from './store.ts';

/** What a guarded L2 call returns when L2 could not answer (error, timeout or open circuit). */
export const UNAVAILABLE: unique symbol = Symbol('l2-unavailable');

/** Events the guard reports about L2's health. */
export interface HealthEvents {
  degraded(error: unknown): void;
  recovered(): void;
}

const maxPending = 1000;

/**
 * Every L2 call goes through here: refused at once while the circuit is open, failed after
 * `timeout` ms otherwise, and never thrown to the caller. Invalidations that could not reach L2
 * are replayed when it recovers, so a delete during an outage does not resurrect the old value.
 * Replays only ever remove (deletes and counter bumps), so one landing after a newer write costs a
 * miss, never a stale value.
 */
export class L2Guard {
  readonly store: L2Store;
  readonly #timeout: number;
  readonly #breaker: CircuitBreaker;
  readonly #log: Log;
  readonly #events: HealthEvents;
  #pending: (() => Promise<unknown>)[] = [];
  #overflowed = false;
  #lastError: unknown;
  #replaying = false;
  /** One timer for every call in flight: they all share the timeout (see the kernel's DeadlineQueue). */
  readonly #deadlines: DeadlineQueue;
  readonly counts = { errors: 0, timeouts: 0, skipped: 0 };

  constructor(options: {
    store: L2Store;
    timeout: number;
    clock: Clock;
    breaker: { threshold: number; openFor: number };
    log: Log;
    events: HealthEvents;
  }) {
    this.store = options.store;
    this.#timeout = options.timeout;
    this.#deadlines = new DeadlineQueue(options.timeout, options.clock);
    this.#log = options.log;
    this.#events = options.events;
    this.#breaker = new CircuitBreaker({
      ...options.breaker,
      clock: options.clock,
      onChange: (state, previous) => this.#onChange(state, previous),
    });
  }

  get state(): CircuitState {
    return this.#breaker.state;
  }

  /** Whether L2 is currently considered down. */
  get degraded(): boolean {
    return this.#breaker.state !== 'closed';
  }

  /** Runs `call` against L2 with the timeout and the breaker; resolves `UNAVAILABLE` instead of rejecting. */
  run<T>(operation: string, call: (store: L2Store) => Promise<T>): Promise<T | typeof UNAVAILABLE> {
    if (!this.#breaker.allow()) {
      this.counts.skipped++;
      return Promise.resolve(UNAVAILABLE);
    }
    let pending: Promise<T>;
    try {
      pending = call(this.store);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.#deadlines
      .run(pending, () => this.#timedOut(operation))
      .then(
        (result) => {
          this.#breaker.success();
          return result;
        },
        (error: unknown) => this.#failed(operation, error),
      );
  }

  #timedOut(operation: string): CacheError {
    this.counts.timeouts++;
    return new CacheError('ERR_CACHE_STORE_UNAVAILABLE', `L2 ${operation} timed out after ${this.#timeout} ms`);
  }

  #failed(operation: string, error: unknown): typeof UNAVAILABLE {
    this.counts.errors++;
    this.#lastError = error;
    this.#log('warn', { err: error, operation, tier: this.store.kind }, 'cache L2 call failed');
    this.#breaker.failure();
    return UNAVAILABLE;
  }

  /**
   * Runs an invalidation; when L2 cannot take it now, queues it for replay on recovery.
   * Past `maxPending` queued invalidations the queue collapses into `overflow` (a full clear).
   */
  async invalidate(
    operation: string,
    call: (store: L2Store) => Promise<unknown>,
    overflow: () => Promise<unknown>,
  ): Promise<boolean> {
    const result = await this.run(operation, call);
    if (result !== UNAVAILABLE) return true;
    this.defer(call, overflow);
    return false;
  }

  /** Queues an invalidation for replay when L2 recovers, without trying it now. */
  defer(call: (store: L2Store) => Promise<unknown>, overflow: () => Promise<unknown>): void {
    if (this.#overflowed) return;
    if (this.#pending.length >= maxPending) {
      this.#overflowed = true;
      this.#pending = [overflow];
      this.#log(
        'warn',
        { pending: maxPending },
        'cache L2 invalidation backlog overflowed; L2 will be cleared on recovery',
      );
    } else {
      this.#pending.push(() => call(this.store));
    }
  }

  /** Invalidations waiting for L2 to come back. */
  get pending(): number {
    return this.#pending.length;
  }

  #onChange(state: CircuitState, previous: CircuitState): void {
    if (previous === 'closed' && state === 'open') {
      this.#log('error', { err: this.#lastError, tier: this.store.kind }, 'cache L2 unavailable: degraded to L1');
      if (channels.degraded.hasSubscribers)
        channels.degraded.publish({ tier: this.store.kind, error: this.#lastError });
      this.#events.degraded(this.#lastError);
    } else if (state === 'closed') {
      this.#log('warn', { tier: this.store.kind }, 'cache L2 recovered');
      if (channels.recovered.hasSubscribers) channels.recovered.publish({ tier: this.store.kind });
      this.#events.recovered();
      void this.#replay();
    }
  }

  async #replay(): Promise<void> {
    if (this.#replaying) return;
    this.#replaying = true;
    try {
      while (this.#pending.length > 0 && this.#breaker.state === 'closed') {
        const task = this.#pending[0] as () => Promise<unknown>;
        const result = await this.run('replay', () => task());
        if (result === UNAVAILABLE) return;
        this.#pending.shift();
      }
      if (this.#pending.length === 0) this.#overflowed = false;
    } finally {
      this.#replaying = false;
    }
  }
}
