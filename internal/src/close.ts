// The one close pattern: `close()` is async and idempotent (every call returns the first call's promise), and
// `[Symbol.asyncDispose]` calls it, so `await using x = createX()` cleans up.

/** Something that holds timers, sockets or subscriptions and releases them on `close()`. */
export interface Closable {
  /** Releases everything; safe to call more than once (later calls wait for the first). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Makes `release` idempotent: the first call runs it, every call returns the same promise. */
export function closeOnce(release: () => Promise<void> | void): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= Promise.resolve().then(release);
    return closing;
  };
}
