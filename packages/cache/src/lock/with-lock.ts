/**
 * The lease keeper behind `withLock`: extends the lease every `ttl / 2`, each time to `ttl` from *now*
 * (extending from the acquisition time would shorten every later lease), stops after `maxExtensions`,
 * and aborts the work's signal the moment the lease can no longer be vouched for: the store says the
 * token no longer holds it, or the local expiry passes without a successful extension.
 */
import type { Clock, ClockTimer } from '../../../../internal/src/index.ts';
import { CacheError } from '../errors.ts';
import type { Lock } from './lock.ts';

export interface LeaseKeeper {
  /** Aborted (with an `ERR_CACHE_LOCK_LOST` CacheError) when the lease is lost, or with the caller's reason. */
  readonly signal: AbortSignal;
  /** Throws the `ERR_CACHE_LOCK_LOST` error if the lease was lost at any point. */
  throwIfLost(): void;
  /** Stops extending; the caller releases. */
  stop(): void;
}

export function keepLease(
  handle: Lock,
  options: { ttl: number; maxExtensions: number; clock: Clock; signal: AbortSignal },
): LeaseKeeper {
  const { ttl, maxExtensions, clock, signal: outer } = options;
  const controller = new AbortController();
  const every = Math.max(1, Math.floor(ttl / 2));
  // After a failed extension (a store hiccup, not a lost token) try again soon; the expiry watch decides.
  const retryEvery = Math.max(1, Math.floor(ttl / 10));
  let extensions = 0;
  let lost: CacheError | undefined;
  let stopped = false;
  let extendTimer: ClockTimer | undefined;
  let expiryTimer: ClockTimer | undefined;

  const onOuterAbort = () => controller.abort(outer.reason);
  if (outer.aborted) onOuterAbort();
  else outer.addEventListener('abort', onOuterAbort, { once: true });

  function lose(error: CacheError): void {
    if (stopped || lost !== undefined) return;
    lost = error;
    clock.clearTimeout(extendTimer);
    clock.clearTimeout(expiryTimer);
    controller.abort(error);
  }

  function watchExpiry(): void {
    clock.clearTimeout(expiryTimer);
    expiryTimer = clock.setTimeout(
      () => {
        const why =
          extensions >= maxExtensions
            ? `ran out after the maximum of ${maxExtensions} extensions`
            : 'expired before it could be extended';
        lose(new CacheError('ERR_CACHE_LOCK_LOST', `The lease on lock '${handle.key}' ${why}`));
      },
      Math.max(0, handle.expiresAt - clock.now()),
    );
  }

  function scheduleExtension(delay: number): void {
    if (stopped || lost !== undefined || extensions >= maxExtensions) return;
    extendTimer = clock.setTimeout(extend, delay);
  }

  async function extend(): Promise<void> {
    try {
      await handle.extend(ttl);
      // A late answer after the lease was given up for lost must not re-arm anything.
      if (stopped || lost !== undefined) return;
      extensions++;
      watchExpiry();
      scheduleExtension(every);
    } catch (error) {
      if (stopped || lost !== undefined) return;
      if (error instanceof CacheError && error.code === 'ERR_CACHE_LOCK_LOST') lose(error);
      else scheduleExtension(retryEvery);
    }
  }

  watchExpiry();
  scheduleExtension(every);

  return {
    signal: controller.signal,
    throwIfLost() {
      if (lost !== undefined) throw lost;
    },
    stop() {
      stopped = true;
      clock.clearTimeout(extendTimer);
      clock.clearTimeout(expiryTimer);
      outer.removeEventListener('abort', onOuterAbort);
    },
  };
}
