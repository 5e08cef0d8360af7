/**
 * Calls made in the same tick, sent to Redis together. Under load most of a Node process' time on a Redis
 * call is the socket write, one system call per command (57 % of the rate limiter's CPU profile at
 * concurrency 64), and much of Redis' is the fixed cost of a command, a script call and its reply. The
 * first call of a tick goes out at once, alone, so a lone call (concurrency 1) waits for nothing. The calls
 * that follow it in the same tick are queued; every `max`-th sends the queue, and the rest leave on
 * `process.nextTick`, once the microtasks that issue them have run.
 *
 * Why a cap and not the whole tick: one batch per tick made Node and Redis take turns (Redis idle while Node
 * read 64 replies and issued 64 calls, then Node idle while Redis ran them), and cost a third of the
 * throughput at concurrency 64 on two cores.
 */

/** A queued call: what it asks for, and how to answer it. */
export interface Pending<Item, Result> {
  readonly item: Item;
  resolve(value: Result): void;
  reject(error: unknown): void;
}

/** Calls per batch unless the caller says otherwise. */
export const defaultMaxBatch = 16;

/**
 * A function that sends its first call of a tick with `one` and the rest in batches of up to `max` with
 * `many`, which must settle every call it is given.
 */
export function tickBatch<Item, Result>(
  one: (item: Item) => Promise<Result>,
  many: (batch: Pending<Item, Result>[]) => void,
  max = defaultMaxBatch,
): (item: Item) => Promise<Result> {
  let queue: Pending<Item, Result>[] = [];
  let tickOpen = false;

  function send(): void {
    const batch = queue;
    queue = [];
    if (batch.length === 1) {
      const only = batch[0] as Pending<Item, Result>;
      one(only.item).then(only.resolve, only.reject);
    } else {
      many(batch);
    }
  }

  function flush(): void {
    tickOpen = false;
    if (queue.length > 0) send();
  }

  return (item) => {
    if (!tickOpen) {
      tickOpen = true;
      process.nextTick(flush);
      return one(item);
    }
    return new Promise<Result>((resolve, reject) => {
      if (queue.push({ item, resolve, reject }) >= max) send();
    });
  };
}
