/**
 * A cap on hashes running at once, with a bounded queue behind it: each argon2id hash holds 19 MiB, so a burst of
 * logins must wait its turn rather than take the process' memory, and a flood past the queue is refused at once.
 */

/** Runs tasks at most `limit` at a time, queueing at most `maxQueued` more. */
export interface ConcurrencyLimit {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly queued: number;
}

export function concurrencyLimit(limit: number, maxQueued: number, refuse: () => Error): ConcurrencyLimit {
  let running = 0;
  const waiting: (() => void)[] = [];

  function release(): void {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next();
  }

  return {
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    async run(task) {
      if (running >= limit) {
        if (waiting.length >= maxQueued) throw refuse();
        // The slot is handed over by `release`, so `running` stays counted for the waiter.
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
