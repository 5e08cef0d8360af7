/** What {@link raceTimeout} resolves with when `ms` passes first. */
export const TIMEOUT: unique symbol = Symbol('timeout');

/** `promise`, or {@link TIMEOUT} after `ms` (an unref'd timer, cleared as soon as either settles). */
export function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    // Unref'd: a caller still waiting on a factory must not keep the process alive by itself.
    timer = setTimeout(resolve, ms, TIMEOUT).unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
