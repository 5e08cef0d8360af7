// The one timeout mechanism of every `@infra` package, on the injected clock: `withDeadline` for a call with its
// own timeout, `DeadlineQueue` for the hot path where many calls share one timeout.
import type { Clock, ClockTimer } from './clock.ts';

/**
 * Settles like `promise`, or rejects with `onTimeout()` once `ms` has passed on `clock`. The timer is unref'd (a
 * pending call keeps the process alive through its own socket, not through its timeout) and cleared as soon as
 * either settles. `ms` of `Infinity` means no timeout.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, clock: Clock, onTimeout: () => Error): Promise<T> {
  if (ms === Number.POSITIVE_INFINITY) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(onTimeout()), ms).unref();
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

interface Pending {
  readonly deadline: number;
  readonly expire: () => void;
  prev: Pending | undefined;
  next: Pending | undefined;
  /** Still in the list (neither settled nor expired). */
  linked: boolean;
}

/**
 * Timeouts for calls that all share one duration, with one timer for all of them. Deadlines then arrive in the
 * order calls started, so a FIFO list and a timer for its head are enough. The list is doubly linked and a call
 * that settles in time unlinks itself at once: only calls still in flight are held, so a settled call (and the
 * result it resolved with) becomes garbage straight away instead of living until its deadline passes, which under
 * load kept hundreds of milliseconds of results alive into the old generation. The hot path is a link, an unlink
 * and a flag, never a setTimeout/clearTimeout pair.
 */
export class DeadlineQueue {
  readonly #timeout: number;
  readonly #clock: Clock;
  #head: Pending | undefined;
  #tail: Pending | undefined;
  #timer: ClockTimer | undefined;

  constructor(timeout: number, clock: Clock) {
    this.#timeout = timeout;
    this.#clock = clock;
  }

  /** Settles with `promise`, or rejects with `onTimeout()` once the timeout has passed. */
  run<T>(promise: Promise<T>, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        deadline: this.#clock.now() + this.#timeout,
        expire: () => reject(onTimeout()),
        prev: this.#tail,
        next: undefined,
        linked: true,
      };
      if (this.#tail === undefined) this.#head = pending;
      else this.#tail.next = pending;
      this.#tail = pending;
      if (this.#timer === undefined) this.#arm();
      promise.then(
        (value) => {
          this.#unlink(pending);
          resolve(value);
        },
        (error: unknown) => {
          this.#unlink(pending);
          reject(error);
        },
      );
    });
  }

  /** Calls still waiting for their answer or their deadline. */
  get size(): number {
    let count = 0;
    for (let node = this.#head; node !== undefined; node = node.next) count++;
    return count;
  }

  #unlink(pending: Pending): void {
    if (!pending.linked) return;
    pending.linked = false;
    const { prev, next } = pending;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    pending.prev = undefined;
    pending.next = undefined;
  }

  #arm(): void {
    const head = this.#head;
    if (head === undefined) return;
    // Only pending calls keep the timer; they hold the process open through their sockets anyway.
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, head.deadline - this.#clock.now())).unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    for (let head = this.#head; head !== undefined && head.deadline <= now; head = this.#head) {
      this.#unlink(head);
      head.expire();
    }
    // The head may have settled since the timer was set: wait for whichever call is first now.
    this.#arm();
  }
}
