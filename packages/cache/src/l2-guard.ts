import type { Clock, ClockTimer, Log } from '../../../internal/src/index.ts';
import { DeadlineQueue, withDeadline } from '../../../internal/src/index.ts';
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
  /** L2 took a call again after something failed (with or without the breaker opening). */
  usable(): void;
}

const maxPending = 1000;

/** Rejection marker of a call given up while it still waited for the connection; never reaches a caller. */
const abandoned = new Error('abandoned before it was sent');

/**
 * Every L2 call goes through here: refused at once while the circuit is open, failed after `timeout` ms
 * otherwise (waiting for the connection counts), and never thrown to the caller.
 *
 * Invalidations that could not reach L2 are kept and replayed as soon as L2 is usable again, whatever the
 * breaker did: a blip shorter than its threshold loses a delete as surely as an outage does. "Usable again"
 * is whichever comes first: the store says its connection is ready, any other L2 call succeeds, or the
 * retry timer finds it back. Until the backlog has landed, L2 reads count as unavailable: a value read
 * from L2 then may be one an invalidation of this instance has not reached yet. Replays only ever remove
 * (deletes and counter bumps), so one landing after a newer write costs a miss, never a stale value.
 */
export class L2Guard {
  readonly store: L2Store;
  readonly #timeout: number;
  readonly #clock: Clock;
  readonly #breaker: CircuitBreaker;
  readonly #log: Log;
  readonly #events: HealthEvents;
  #pending: (() => Promise<unknown>)[] = [];
  #overflowed = false;
  #lastError: unknown;
  #replay: Promise<boolean> | undefined;
  #retry: ClockTimer | undefined;
  readonly #retryEvery: number;
  #failedSinceSuccess = false;
  #closed = false;
  readonly #stopWatching: () => void;
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
    this.#clock = options.clock;
    this.#deadlines = new DeadlineQueue(options.timeout, options.clock);
    this.#log = options.log;
    this.#events = options.events;
    // A closed breaker would let a retry through at once; an open one refuses until `openFor` has passed.
    this.#retryEvery = Math.max(options.timeout, options.breaker.openFor);
    this.#breaker = new CircuitBreaker({
      ...options.breaker,
      clock: options.clock,
      onChange: (state, previous) => this.#onChange(state, previous),
    });
    this.#stopWatching = this.store.connection?.onReady(() => this.#onUsable()) ?? (() => {});
  }

  get state(): CircuitState {
    return this.#breaker.state;
  }

  /** Whether L2 is currently considered down. */
  get degraded(): boolean {
    return this.#breaker.state !== 'closed';
  }

  /** The error of the last failed call. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Runs `call` against L2 with the timeout and the breaker; resolves `UNAVAILABLE` instead of rejecting. */
  run<T>(operation: string, call: (store: L2Store) => Promise<T>): Promise<T | typeof UNAVAILABLE> {
    if (!this.#breaker.allow()) {
      this.counts.skipped++;
      return Promise.resolve(UNAVAILABLE);
    }
    let timedOut = false;
    const connection = this.store.connection;
    // A client that queues commands while disconnected sends them by itself; one that does not is waited for.
    const connecting = connection === undefined || connection.queuesOffline ? undefined : connection.whenReady();
    let pending: Promise<T>;
    try {
      pending =
        connecting === undefined
          ? call(this.store)
          : // Sent once the connection is up, unless the deadline passed meanwhile: a write the cache already
            // reported as failed must not land later, over whatever was written since.
            connecting.then(() => (timedOut ? Promise.reject(abandoned) : call(this.store)));
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.#deadlines
      .run(pending, () => {
        timedOut = true;
        return this.#timedOut(operation);
      })
      .then(
        (result) => {
          this.#breaker.success();
          if (this.#failedSinceSuccess) {
            this.#failedSinceSuccess = false;
            this.#onUsable();
          }
          return result;
        },
        (error: unknown) => this.#failed(operation, error),
      );
  }

  /**
   * Runs a read. While invalidations wait to be replayed, they go first: L2 may still hold what they
   * remove, so the read is unavailable unless the backlog lands.
   */
  read<T>(operation: string, call: (store: L2Store) => Promise<T>): Promise<T | typeof UNAVAILABLE> {
    if (this.#pending.length === 0) return this.run(operation, call);
    return this.replay().then((drained) => (drained ? this.run(operation, call) : UNAVAILABLE));
  }

  /** Waits for the connection (bounded by the timeout); true when L2 is ready, false when it is not. */
  async ready(timeout: number): Promise<boolean> {
    const connecting = this.store.connection?.whenReady();
    if (connecting === undefined) return true;
    return withDeadline(connecting, timeout, this.#clock, () => abandoned).then(
      () => true,
      () => false,
    );
  }

  /** Stops the retry timer and the readiness watch, and waits for a replay in flight (bounded by the timeout). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#stopWatching();
    await this.#replay;
  }

  #timedOut(operation: string): CacheError {
    this.counts.timeouts++;
    return new CacheError('ERR_CACHE_STORE_UNAVAILABLE', `L2 ${operation} timed out after ${this.#timeout} ms`);
  }

  #failed(operation: string, error: unknown): typeof UNAVAILABLE {
    this.counts.errors++;
    this.#lastError = error;
    this.#failedSinceSuccess = true;
    this.#log('warn', { err: error, operation, tier: this.store.kind }, 'cache L2 call failed');
    this.#breaker.failure();
    return UNAVAILABLE;
  }

  /**
   * Runs an invalidation; when L2 cannot take it now, queues it for replay.
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

  /** Queues an invalidation for replay once L2 is usable, without trying it now. */
  defer(call: (store: L2Store) => Promise<unknown>, overflow: () => Promise<unknown>): void {
    if (this.#closed) return;
    if (!this.#overflowed) {
      if (this.#pending.length >= maxPending) {
        this.#overflowed = true;
        this.#pending = [overflow];
        this.#log(
          'warn',
          { pending: maxPending },
          'cache L2 invalidation backlog overflowed; L2 will be cleared once it is back',
        );
      } else {
        this.#pending.push(() => call(this.store));
      }
    }
    this.#scheduleRetry();
  }

  /** Invalidations waiting for L2 to come back. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Sends the waiting invalidations, oldest first, stopping at the first failure; true when none is left. */
  replay(): Promise<boolean> {
    if (this.#pending.length === 0) return Promise.resolve(true);
    this.#replay ??= this.#drain().finally(() => {
      this.#replay = undefined;
    });
    return this.#replay;
  }

  async #drain(): Promise<boolean> {
    while (this.#pending.length > 0) {
      const task = this.#pending[0] as () => Promise<unknown>;
      const result = await this.run('replay', () => task());
      if (result === UNAVAILABLE) {
        this.#scheduleRetry();
        return false;
      }
      this.#pending.shift();
    }
    this.#overflowed = false;
    return true;
  }

  #onUsable(): void {
    if (this.#closed) return;
    this.#events.usable();
    if (this.#pending.length > 0) void this.replay();
  }

  /** Tries the backlog again later, so it lands even when the app makes no other L2 call. */
  #scheduleRetry(): void {
    if (this.#retry !== undefined || this.#closed) return;
    // Unref'd: a backlog must not keep a process alive that has nothing else to do.
    this.#retry = this.#clock
      .setTimeout(() => {
        this.#retry = undefined;
        if (this.#pending.length > 0) void this.replay();
      }, this.#retryEvery)
      .unref();
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
    }
  }
}
