/**
 * Timeouts for calls that all share one duration, with one timer for all of them. Deadlines then arrive
 * in the order calls started, so a FIFO queue and a timer for its head are enough; a call that settles
 * in time is only marked done (skipped when its turn comes), which keeps the hot path to a push and a
 * flag instead of a setTimeout/clearTimeout pair per call.
 */

interface Pending {
  deadline: number;
  settled: boolean;
  expire: () => void;
}

export class DeadlineQueue {
  readonly #timeoutMs: number;
  readonly #queue: Pending[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Settles with `promise`, or rejects with `onTimeout()` once the timeout has passed. */
  run<T>(promise: Promise<T>, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        deadline: performance.now() + this.#timeoutMs,
        settled: false,
        expire: () => reject(onTimeout()),
      };
      this.#queue.push(pending);
      if (this.#timer === undefined) this.#arm();
      promise.then(
        (value) => {
          pending.settled = true;
          resolve(value);
        },
        (error: unknown) => {
          pending.settled = true;
          reject(error);
        },
      );
    });
  }

  #arm(): void {
    const next = this.#queue[this.#head];
    if (next === undefined) return;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, next.deadline - performance.now()));
    // Only pending calls keep the timer; they hold the process open through their sockets anyway.
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#head < this.#queue.length) {
      const pending = this.#queue[this.#head] as Pending;
      if (!pending.settled && pending.deadline > now) break;
      this.#head++;
      if (!pending.settled) {
        pending.settled = true;
        pending.expire();
      }
    }
    // Drop what has been handled once it is the bulk of the array.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
      return;
    }
    this.#arm();
  }
}
