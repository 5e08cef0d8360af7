/**
 * The in-process second-factor store: the default, for one process (tests, development, a single instance).
 * Behind a load balancer use the Redis or PostgreSQL store, or a code replayed on another instance is accepted.
 */
import type { Clock } from '../../../../internal/src/index.ts';
import { clockOption } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import type { TwoFactorStore } from './store.ts';

/** Options of {@link memoryTwoFactorStore}. */
export interface MemoryTwoFactorStoreOptions {
  /** Time source for forgetting old TOTP steps. @default systemClock */
  clock?: Clock;
}

/** A {@link TwoFactorStore} in this process' memory. */
export function memoryTwoFactorStore(options: MemoryTwoFactorStoreOptions = {}): TwoFactorStore {
  const clock = clockOption(options.clock, invalidOption);
  const steps = new Map<string, { step: number; expiresAt: number }>();
  const codes = new Map<string, Set<string>>();

  return {
    async claimTotpStep(userId, step, ttl) {
      const now = clock.now();
      const last = steps.get(userId);
      if (last !== undefined && last.expiresAt > now && last.step >= step) return false;
      steps.set(userId, { step, expiresAt: now + ttl });
      // Forget what can no longer matter, a little at a time, so the map does not grow with every user ever seen.
      for (const [id, entry] of steps) {
        if (entry.expiresAt <= now) steps.delete(id);
        break;
      }
      return true;
    },
    async replaceRecoveryCodes(userId, hashes) {
      if (hashes.length === 0) codes.delete(userId);
      else codes.set(userId, new Set(hashes));
    },
    async consumeRecoveryCode(userId, hash) {
      const set = codes.get(userId);
      if (set === undefined || !set.delete(hash)) return false;
      if (set.size === 0) codes.delete(userId);
      return true;
    },
    async countRecoveryCodes(userId) {
      return codes.get(userId)?.size ?? 0;
    },
  };
}
