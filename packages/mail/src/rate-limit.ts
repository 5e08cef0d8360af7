// Per-transport rate limits. The limiter is `@infra/cache`'s `createRateLimiter` (memory or Redis store, so a limit
// holds across instances), seen here through the two fields the mailer reads. A send over the limit waits on the
// clock for its turn, in arrival order, instead of failing or blocking the event loop.
import type { Clock } from '../../../internal/src/index.ts';
import { MailError } from './errors.ts';
import { wait } from './wait.ts';

/** What the mailer needs of a rate limiter: `@infra/cache`'s `RateLimiter` has it. */
export interface MailRateLimiter {
  consume(key: string): Promise<{ readonly allowed: boolean; readonly retryAfterMs: number }>;
}

/** The `rateLimit` option: one limiter keyed by transport name, or a limiter per transport name. */
export type RateLimitOption = MailRateLimiter | Readonly<Record<string, MailRateLimiter>>;

/** Waits, in arrival order per transport, until the transport's limiter allows one more message. */
export type RateGate = (transport: string, signal: AbortSignal) => Promise<void>;

function isLimiter(value: unknown): value is MailRateLimiter {
  return typeof (value as MailRateLimiter | undefined)?.consume === 'function';
}

/** Checks the `rateLimit` option. */
export function checkRateLimit(option: unknown, invalid: (o: string, p: string) => Error): RateLimitOption | undefined {
  if (option === undefined || isLimiter(option)) return option;
  if (typeof option !== 'object' || option === null) {
    throw invalid('rateLimit', 'must be a rate limiter (createRateLimiter from @infra/cache) or a record of them');
  }
  for (const [name, limiter] of Object.entries(option)) {
    if (!isLimiter(limiter)) throw invalid(`rateLimit.${name}`, 'must be a rate limiter (with consume(key))');
  }
  return option as Record<string, MailRateLimiter>;
}

/** The gate for `option`; a transport without a limiter passes at once. */
export function rateGate(option: RateLimitOption | undefined, clock: Clock): RateGate {
  if (option === undefined) return async () => {};
  const limiterOf = (transport: string): MailRateLimiter | undefined =>
    isLimiter(option) ? option : (option as Record<string, MailRateLimiter>)[transport];
  const queues = new Map<string, Promise<void>>();

  const acquire = async (limiter: MailRateLimiter, transport: string, signal: AbortSignal): Promise<void> => {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const result = await limiter.consume(`mail:${transport}`);
      if (result.allowed) return;
      await wait(Math.max(1, result.retryAfterMs), clock, signal);
    }
  };

  return (transport, signal) => {
    const limiter = limiterOf(transport);
    if (limiter === undefined) return Promise.resolve();
    // Chained per transport: each send asks the limiter only after the one before it got through.
    const previous = queues.get(transport) ?? Promise.resolve();
    const turn = previous.then(() => acquire(limiter, transport, signal));
    const settled = turn.catch(() => {});
    queues.set(transport, settled);
    void settled.then(() => {
      if (queues.get(transport) === settled) queues.delete(transport);
    });
    return turn.catch((error: unknown) => {
      throw error instanceof MailError || signal.aborted
        ? error
        : new MailError('ERR_MAIL_TRANSIENT', `The rate limiter of ${transport} failed`, { cause: error, transport });
    });
  };
}
