// The contract of a dedupe store: one record per idempotency key, claimed before a send and settled after it, so a
// second send with the same key (a retry, another instance, a re-run job) can never deliver twice.

/** What a completed send left in the store, returned to a later send with the same key. */
export interface StoredResult {
  messageId: string;
  transport: string;
  accepted: string[];
  rejected: string[];
}

/** What {@link IdempotencyStore.begin} found. */
export type BeginResult =
  /** No record: this caller holds the key (until `lease` passes) and must settle it with `token`. */
  | { state: 'started'; token: string }
  /** Another send holds the key right now. */
  | { state: 'pending' }
  /** A send with this key was delivered; here is its result. */
  | { state: 'sent'; result: StoredResult }
  /** A send with this key may have been delivered (the connection was lost after hand-over): never resend. */
  | { state: 'unknown' };

/** A store of idempotency records. Every method is atomic across instances. */
export interface IdempotencyStore {
  /** Claims `key` for `leaseMs` when it has no record; otherwise says what the record holds. */
  begin(key: string, leaseMs: number): Promise<BeginResult>;
  /** Records the delivery for `ttlMs`; a no-op unless `token` still holds the key. */
  complete(key: string, token: string, result: StoredResult, ttlMs: number): Promise<void>;
  /** Records that the outcome is unknown, for `ttlMs`; a no-op unless `token` still holds the key. */
  markUnknown(key: string, token: string, ttlMs: number): Promise<void>;
  /** Drops the claim after a definite failure, so a later send may try again; a no-op unless `token` holds it. */
  release(key: string, token: string): Promise<void>;
}
