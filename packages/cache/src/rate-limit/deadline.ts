/**
 * Timeouts for calls that all share one duration, with one timer for all of them. Deadlines then arrive
 * in the order calls started, so a FIFO list and a timer for its head are enough. The list is doubly
 * linked and a call that settles in time unlinks itself at once: only calls still in flight are held, so
 * a settled call (and the result it resolved with) becomes garbage straight away instead of living until
 * its deadline passes, which under load kept hundreds of milliseconds of results alive into the old
 * generation. The hot path is a link, an unlink and a flag, never a setTimeout/clearTimeout pair.
 */

interface Pending {
  readonly deadline: number;
  readonly expire: () => void;
  prev: Pending | undefined;
  next: Pending | undefined;
  /** Still in the list (neither settled nor expired). */
  linked: boolean;
}

export class DeadlineQueue {
  readonly #timeoutMs: number;
  #head: Pending | undefined;
  #tail: Pending | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Settles with `promise`, or rejects with `onTimeout()` once the timeout has passed. */
  run<T>(promise: Promise<T>, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        deadline: performance.now() + this.#timeoutMs,
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
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, head.deadline - performance.now()));
    // Only pending calls keep the timer; they hold the process open through their sockets anyway.
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (let head = this.#head; head !== undefined && head.deadline <= now; head = this.#head) {
      this.#unlink(head);
      head.expire();
    }
    // The head may have settled since the timer was set: wait for whichever call is first now.
    this.#arm();
  }
}
