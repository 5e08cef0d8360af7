// Retry delays: exponential back-off with "equal" jitter (half the delay fixed, half random), so instances that
// failed together spread out but none retries sooner than half its back-off; a server's Retry-After is a floor.
import type { Duration } from '../../../internal/src/index.ts';
import { check, invalidOption } from './errors.ts';

/** Options of the mailer's retries. */
export interface RetryOptions {
  /** Attempts in all, the first included; 1 turns retries off. @default 3 */
  attempts?: number;
  /** Delay before the second attempt; doubled for each later one. @default '1s' */
  base?: Duration;
  /** Longest back-off (a server's Retry-After may ask for longer and is honoured). @default '5m' */
  max?: Duration;
}

/** Checked retry options. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Checks the `retry` option; `false` means one attempt. */
export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return { attempts: 1, baseMs: 0, maxMs: 0 };
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidOption('retry', 'must be an object or false');
  }
  const attempts = check.number(options?.attempts, 'retry.attempts', { default: 3, min: 1, max: 100, integer: true });
  const baseMs = check.duration(options?.base, 'retry.base', { default: 1000 });
  const maxMs = check.duration(options?.max, 'retry.max', { default: 300_000 });
  if (maxMs < baseMs) throw invalidOption('retry.max', `must be at least retry.base (${baseMs} ms), got ${maxMs} ms`);
  return { attempts, baseMs, maxMs };
}

/** The delay before attempt `failed + 1`, given the attempt that just failed and the server's Retry-After. */
export function retryDelay(
  policy: RetryPolicy,
  failed: number,
  retryAfterMs: number | undefined,
  random: number,
): number {
  const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** (failed - 1));
  const jittered = Math.round(backoff / 2 + (backoff / 2) * random);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), or `undefined`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
