/**
 * The second-factor store contract: the last accepted TOTP time step per user (claimed atomically, so a code works
 * once even when two requests race on two app servers) and each user's hashed recovery codes (consumed atomically).
 * One contract, one conformance suite (test/two-factor-conformance.ts), run on memory, Redis, Redis Cluster and
 * PostgreSQL.
 */

/** Where TOTP replay state and recovery codes live. */
export interface TwoFactorStore {
  /**
   * Records `step` as `userId`'s last accepted TOTP time step if it is later than the one recorded, and says whether
   * this call did: of concurrent claims of one step exactly one gets `true`, and an earlier step is refused too
   * (RFC 6238 §5.2: no code is accepted twice, nor one older than an accepted one). `ttl` (ms) is how long the step
   * must be remembered: after it, no code of that step verifies anyway.
   */
  claimTotpStep(userId: string, step: number, ttl: number): Promise<boolean>;
  /** Replaces `userId`'s recovery codes by `hashes` at once (an empty list removes them all). */
  replaceRecoveryCodes(userId: string, hashes: readonly string[]): Promise<void>;
  /** Removes one recovery code; `true` for the one caller that removed it, `false` if it was not there. */
  consumeRecoveryCode(userId: string, hash: string): Promise<boolean>;
  /** How many unused recovery codes `userId` has. */
  countRecoveryCodes(userId: string): Promise<number>;
}
