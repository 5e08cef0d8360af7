/**
 * `createLoginThrottle`: failed logins counted per account and per network on `@infra/cache`'s rate limiter (so
 * memory and Redis both work, and several app instances share one count), with a growing delay after each failure,
 * a lockout when the failures reach the limit, and `Retry-After` on every refusal.
 *
 * It never reveals whether an account exists: it counts the identifier as typed (hashed, so no email lands in
 * Redis keys), whether or not an account has it, and a refusal reads the same for both.
 */
import { createHash } from 'node:crypto';
import {
  createRateLimiter,
  type RateLimiter,
  type RateLimitResult,
  type RateLimitStore,
  type StoreErrorPolicy,
} from '@infra/cache';
import type { Clock, Duration, Logger } from '../../../../internal/src/index.ts';
import { closeOnce } from '../../../../internal/src/index.ts';
import { AuthError, check, invalidOption } from '../errors.ts';
import { networkKey } from './network.ts';

/** A limit on failed logins. */
export interface LoginLimit {
  /** Failures allowed within `window`; the last one starts the lockout. */
  limit: number;
  /** Sliding window the failures are counted in. */
  window: Duration;
  /** How long the account (or network) is locked once `limit` failures are reached. */
  lockout: Duration;
}

/** The delay imposed after each failure before the next attempt: `base`, doubling per failure, at most `max`. */
export interface LoginBackoff {
  /** Delay after the first failure. */
  base: Duration;
  /** Longest delay. */
  max: Duration;
}

/** Options of {@link createLoginThrottle}. */
export interface LoginThrottleOptions {
  /** `@infra/cache` rate-limit store; share a Redis one across instances. @default memoryRateLimitStore() */
  store?: RateLimitStore;
  /** Prefix of every key. @default 'auth:login:' */
  prefix?: string;
  /** Failures per account (OWASP: lock after a few failures). @default { limit: 5, window: '15m', lockout: '1h' } */
  account?: Partial<LoginLimit>;
  /** Failures per network, across every account (credential stuffing). @default { limit: 100, window: '15m', lockout: '15m' } */
  ip?: Partial<LoginLimit>;
  /** Delay after each failure, or `false` for none. @default { base: '1s', max: '1m' } */
  backoff?: Partial<LoginBackoff> | false;
  /** IPv6 addresses are counted by this prefix length. @default 64 */
  ipv6Prefix?: number;
  /** What decides when the store fails: see `@infra/cache`'s `onStoreError`. @default 'insurance' */
  onStoreError?: StoreErrorPolicy;
  /** @default systemClock */
  clock?: Clock;
  /** @default undefined */
  logger?: Logger;
}

/** One login attempt: the identifier as typed, and the client's address. */
export interface LoginAttempt {
  /** The account identifier as submitted (email, username); need not exist. */
  account: string;
  /** The client's IP address (IPv4 or IPv6). */
  ip: string;
}

/** Whether an attempt may go ahead. */
export interface LoginThrottleDecision {
  allowed: boolean;
  /** When refused: ms until an attempt may be made. */
  retryAfterMs: number;
  /** When refused: `{ 'retry-after': seconds }` to send with the 429. */
  headers: Record<string, string>;
  /** Which count refused it (for the app's logs; answer both alike). */
  limitedBy: 'account' | 'ip' | undefined;
}

/** Counters since the throttle was created. */
export interface LoginThrottleStats {
  allowed: number;
  refused: number;
  failures: number;
  successes: number;
  lockouts: number;
}

/** Login throttling by account and network. */
export interface LoginThrottle {
  /** Whether `attempt` may go ahead now; consumes nothing. */
  check(attempt: LoginAttempt): Promise<LoginThrottleDecision>;
  /** Like `check`, but throws `ERR_AUTH_LOGIN_THROTTLED` (429, `retry-after` header) when refused. */
  assert(attempt: LoginAttempt): Promise<void>;
  /** Records a failed login: counts it, and delays or locks the account and network as configured. */
  failure(attempt: LoginAttempt): Promise<void>;
  /** Records a successful login: the account's count starts over. The network's does not (one valid account must not wash a network's failures). */
  success(attempt: LoginAttempt): Promise<void>;
  stats(): LoginThrottleStats;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function limitOption(value: Partial<LoginLimit> | undefined, name: string, defaults: LoginLimit) {
  const given = value ?? {};
  if (typeof given !== 'object') throw invalidOption(name, 'must be an object');
  return {
    limit: check.number(given.limit, `${name}.limit`, { default: defaults.limit, min: 1, integer: true }),
    window: check.duration(given.window, `${name}.window`, { default: Number(defaults.window), positive: true }),
    lockout: check.duration(given.lockout, `${name}.lockout`, { default: Number(defaults.lockout), positive: true }),
  };
}

/** The account identifier as a key: normalised like a login form would, then hashed (no PII in the store). */
function accountKey(account: unknown): string {
  if (typeof account !== 'string' || account.length === 0 || account.length > 1024) {
    throw invalidOption('account', 'must be a non-empty string of at most 1024 characters');
  }
  return createHash('sha256').update(account.normalize('NFKC').trim().toLowerCase()).digest('base64url').slice(0, 32);
}

/**
 * Creates a login throttle.
 *
 * @example
 * const throttle = createLoginThrottle({ store: redisRateLimitStore({ client }) });
 * await throttle.assert({ account: email, ip }); // 429 with Retry-After when locked
 * const { ok } = await passwords.verify(user?.passwordHash, password);
 * await (ok ? throttle.success({ account: email, ip }) : throttle.failure({ account: email, ip }));
 */
export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const account = limitOption(options.account, 'account', { limit: 5, window: 15 * 60_000, lockout: 60 * 60_000 });
  const ip = limitOption(options.ip, 'ip', { limit: 100, window: 15 * 60_000, lockout: 15 * 60_000 });
  const backoff =
    options.backoff === false
      ? undefined
      : {
          base: check.duration(options.backoff?.base, 'backoff.base', { default: 1000, positive: true }),
          max: check.duration(options.backoff?.max, 'backoff.max', { default: 60_000, positive: true }),
        };
  const ipv6Prefix = check.number(options.ipv6Prefix, 'ipv6Prefix', { default: 64, min: 16, max: 128, integer: true });
  const prefix = check.string(options.prefix, 'prefix', 'auth:login:');
  const shared = {
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.onStoreError === undefined ? {} : { onStoreError: options.onStoreError }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  const byAccount = createRateLimiter({
    ...shared,
    prefix: `${prefix}a:`,
    limits: { algorithm: 'sliding-window', limit: account.limit, window: account.window, name: 'login-account' },
  });
  const byIp = createRateLimiter({
    ...shared,
    prefix: `${prefix}n:`,
    limits: { algorithm: 'sliding-window', limit: ip.limit, window: ip.window, name: 'login-ip' },
  });
  const counters: LoginThrottleStats = { allowed: 0, refused: 0, failures: 0, successes: 0, lockouts: 0 };

  const keys = (attempt: LoginAttempt) => {
    if (typeof attempt !== 'object' || attempt === null) throw invalidOption('attempt', 'must be { account, ip }');
    return { account: accountKey(attempt.account), ip: networkKey(String(attempt.ip), ipv6Prefix) };
  };

  async function check_(attempt: LoginAttempt): Promise<LoginThrottleDecision> {
    const key = keys(attempt);
    const [a, n] = await Promise.all([byAccount.peek(key.account), byIp.peek(key.ip)]);
    if (a.allowed && n.allowed) {
      counters.allowed++;
      return { allowed: true, retryAfterMs: 0, headers: {}, limitedBy: undefined };
    }
    counters.refused++;
    const retryAfterMs = Math.max(a.allowed ? 0 : a.retryAfterMs, n.allowed ? 0 : n.retryAfterMs);
    return {
      allowed: false,
      retryAfterMs,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
      limitedBy: a.allowed ? 'ip' : 'account',
    };
  }

  /** After a counted failure: lock at the limit, else hold the next attempt back for the back-off delay. */
  async function penalise(
    limiter: RateLimiter,
    key: string,
    result: RateLimitResult,
    limit: LoginLimitMs,
    delay: boolean,
  ) {
    // Already blocked: the attempt should not have been made (no `check` first); it neither counts nor extends.
    if (result.reason === 'blocked') return;
    const failures = limit.limit - result.remaining;
    if (!result.allowed || result.remaining === 0) {
      counters.lockouts++;
      // The count starts over under the lockout: once it ends, the key has its full quota, however the lockout
      // compares with the window.
      await limiter.reset(key);
      await limiter.block(key, limit.lockout);
    } else if (delay && backoff !== undefined) {
      await limiter.block(key, Math.min(backoff.max, backoff.base * 2 ** (failures - 1)));
    }
  }

  const close = closeOnce(async () => {
    await Promise.all([byAccount.close(), byIp.close()]);
  });

  return {
    check: check_,
    async assert(attempt) {
      const decision = await check_(attempt);
      if (!decision.allowed) {
        const error = new AuthError(
          'ERR_AUTH_LOGIN_THROTTLED',
          `Too many failed logins; try again in ${decision.headers['retry-after']} s`,
          { status: 429, headers: decision.headers },
        );
        throw Object.assign(error, { retryAfterMs: decision.retryAfterMs });
      }
    },
    async failure(attempt) {
      const key = keys(attempt);
      counters.failures++;
      const [a, n] = await Promise.all([byAccount.consume(key.account), byIp.consume(key.ip)]);
      // The back-off delays the account only: a network shared by many users (an office, a carrier NAT) is
      // slowed by its own limit, not by each of its users' typos.
      await Promise.all([penalise(byAccount, key.account, a, account, true), penalise(byIp, key.ip, n, ip, false)]);
    },
    async success(attempt) {
      const key = keys(attempt);
      counters.successes++;
      await byAccount.reset(key.account);
    },
    stats: () => ({ ...counters }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

type LoginLimitMs = { limit: number; window: number; lockout: number };
