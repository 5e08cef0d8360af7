import type { Clock, Log } from '../../../internal/src/index.ts';
import { withDeadline } from '../../../internal/src/index.ts';
import type { BusMessage, BusSubscription, CacheBus } from './bus.ts';
import { cacheChannels as channels } from './channels.ts';
import { counters } from './keys.ts';
import type { L1Store } from './store.ts';

const maxUnsent = 1000;
/** Rejection marker of a wait that ran out in {@link BusLink.subscribed}; never reaches a caller. */
const notReady = new Error('not subscribed in time');

/** What a cache counts of its bus. */
export interface BusCounts {
  published: number;
  received: number;
  errors: number;
  resyncs: number;
}

/**
 * One cache's side of its bus: sends its invalidations to the other instances, keeps (and sends again)
 * those that could not go, and applies theirs to its L1. Messages from this instance (same `id`) are
 * ignored; `onKey` hears of every key another instance wrote or deleted (distributed single-flight waiters).
 */
export class BusLink {
  readonly kind: string;
  readonly counts: BusCounts = { published: 0, received: 0, errors: 0, resyncs: 0 };
  readonly #bus: CacheBus;
  readonly #id: string;
  readonly #l1: L1Store | undefined;
  readonly #log: Log;
  readonly #onKey: (key: string) => void;
  readonly #onInvalidate: (counters: readonly string[]) => void;
  readonly #track: (promise: Promise<unknown>) => void;
  readonly #subscription: BusSubscription;
  #unsent: Omit<BusMessage, 'source'>[] = [];
  #republishing = false;
  #resyncPending = false;
  #stopped = false;

  constructor(options: {
    bus: CacheBus;
    id: string;
    l1: L1Store | undefined;
    log: Log;
    onKey: (key: string) => void;
    /** Counters were bumped by another instance, or L1 is dropped (every counter: `n:`), before L1 is touched. */
    onInvalidate: (counters: readonly string[]) => void;
    track: (promise: Promise<unknown>) => void;
  }) {
    this.#bus = options.bus;
    this.kind = options.bus.kind;
    this.#id = options.id;
    this.#l1 = options.l1;
    this.#log = options.log;
    this.#onKey = options.onKey;
    this.#onInvalidate = options.onInvalidate;
    this.#track = options.track;
    this.#subscription = this.#bus.subscribe({
      message: (message) => this.#onMessage(message),
      resync: () => this.#resync(),
      error: (error) => {
        this.counts.errors++;
        this.#log('warn', { err: error }, 'cache bus error');
      },
    });
  }

  /**
   * Sends an invalidation to other instances without waiting. A message that cannot be sent is kept
   * (up to 1,000; past that, one "drop everything" message replaces them) and sent again after the
   * next successful publish or when Redis is usable again, so other instances do not keep serving what it
   * invalidated.
   */
  publish(message: Omit<BusMessage, 'source'>): void {
    this.counts.published++;
    this.#track(
      this.#bus.publish({ source: this.#id, ...message }).then(
        () => this.republish(),
        (error: unknown) => {
          this.counts.errors++;
          this.#log('warn', { err: error }, 'cache bus publish failed; will send it again');
          this.#unsent.push(message);
          if (this.#unsent.length > maxUnsent) this.#unsent = [{ counters: [counters.namespace('')] }];
        },
      ),
    );
  }

  /** Sends the messages that failed earlier, oldest first, stopping at the first failure. */
  async republish(): Promise<void> {
    if (this.#unsent.length === 0 || this.#republishing) return;
    this.#republishing = true;
    try {
      while (this.#unsent.length > 0) {
        await this.#bus.publish({ source: this.#id, ...(this.#unsent[0] as Omit<BusMessage, 'source'>) });
        this.#unsent.shift();
      }
    } catch {
      // Still unreachable: the next successful publish or a reconnection tries again.
    } finally {
      this.#republishing = false;
    }
  }

  /**
   * Whether the subscription is live within `timeout`. When it is not, the app carries on without it and
   * invalidations sent meanwhile never reach this L1: once it is live, what L1 holds is dropped.
   */
  async subscribed(timeout: number, clock: Clock): Promise<boolean> {
    const live = await withDeadline(this.#subscription.ready, timeout, clock, () => notReady).then(
      () => true,
      () => false,
    );
    if (!live && !this.#resyncPending) {
      this.#resyncPending = true;
      void this.#subscription.ready.then(() => this.#resync());
    }
    return live;
  }

  /** Stops delivery and unsubscribes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#subscription.stop();
  }

  #resync(): void {
    if (this.#stopped) return;
    this.counts.resyncs++;
    this.#onInvalidate([counters.namespace('')]);
    this.#l1?.clear();
  }

  #onMessage(message: BusMessage): void {
    if (message.source === this.#id || this.#stopped) return;
    this.counts.received++;
    if (message.counters !== undefined) {
      this.#onInvalidate(message.counters);
      this.#l1?.bump(message.counters);
    }
    if (message.keys !== undefined) {
      for (const key of message.keys) {
        this.#l1?.delete(key);
        this.#onKey(key);
      }
    }
    if (channels.bus.hasSubscribers) channels.bus.publish({ keys: message.keys, counters: message.counters });
  }
}
