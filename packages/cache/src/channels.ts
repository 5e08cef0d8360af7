import { defineChannels } from '../../../internal/src/index.ts';

/**
 * Every `node:diagnostics_channel` channel of `@infra/cache`, named `infra:cache:<event>`. Messages are built
 * only when a channel has subscribers, so an unobserved cache pays one boolean check per event.
 *
 * - `hit` `{ key, tier: 'l1' | 'l2', stale }`: a value was served.
 * - `miss` `{ key }`: neither tier had a usable value.
 * - `stale` `{ key, reason: 'grace' | 'soft-timeout' | 'hard-timeout' | 'factory-error' | 'backoff' }`: a stale value was served.
 * - `factory` `{ key, durationMs, error? }`: a factory ran.
 * - `wait` `{ key }`: a caller joined a factory call already in flight.
 * - `bus` `{ keys?, counters? }`: a bus message from another instance was applied.
 * - `degraded` `{ tier, error }`: L2 stopped answering; the cache now runs on L1 and factories.
 * - `recovered` `{ tier }`: L2 answers again.
 * - `write-failed` `{ keys, error }`: a write could not reach L2 (the value is in L1 only).
 * - `lock` `{ event: 'acquire' | 'release' | 'lost', key, fencingToken, released? }`: a lock changed hands.
 * - `rate-limit` `{ key, cost, result }`: a rate limiter decided a `consume`.
 * - `rate-limit-store-error` `{ key, policy, error, skipped }`: the rate-limit store failed (or its node's
 *   circuit is open: `skipped`) and `onStoreError` decided.
 * - `circuit` `{ component: 'rate-limit' | 'lock', node, state, error }`: a node's circuit breaker changed state
 *   (`node` is a Cluster master's `host:port`, `''` for a single node).
 */
export const cacheChannels = defineChannels('cache', [
  'hit',
  'miss',
  'stale',
  'factory',
  'wait',
  'bus',
  'degraded',
  'recovered',
  'write-failed',
  'lock',
  'rate-limit',
  'rate-limit-store-error',
  'circuit',
]);

/**
 * The store-error channel's name before the naming sheet (`infra:cache:rate-limit:store-error`); published
 * to as well, for one minor version, so existing subscribers keep receiving.
 * @deprecated Subscribe to `cacheChannels['rate-limit-store-error']`.
 */
export const legacyStoreErrorChannel = defineChannels('cache', ['rate-limit:store-error'])['rate-limit:store-error'];
