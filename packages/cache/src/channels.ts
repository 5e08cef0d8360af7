import { channel } from 'node:diagnostics_channel';

/**
 * `node:diagnostics_channel` channels of the cache. Messages are only built when a channel has
 * subscribers, so an unobserved cache pays one boolean check per event.
 */
export const channels = {
  /** `{ key, tier: 'l1' | 'l2', stale }`: a value was served. */
  hit: channel('infra:cache:hit'),
  /** `{ key }`: neither tier had a usable value. */
  miss: channel('infra:cache:miss'),
  /** `{ key, reason: 'grace' | 'soft-timeout' | 'hard-timeout' | 'factory-error' | 'backoff' }`: a stale value was served. */
  stale: channel('infra:cache:stale'),
  /** `{ key, durationMs, error? }`: a factory ran. */
  factory: channel('infra:cache:factory'),
  /** `{ key }`: a caller joined a factory call already in flight. */
  wait: channel('infra:cache:wait'),
  /** `{ keys?, counters? }`: a bus message from another instance was applied. */
  bus: channel('infra:cache:bus'),
  /** `{ tier, error }`: L2 stopped answering; the cache now runs on L1 and factories. */
  degraded: channel('infra:cache:degraded'),
  /** `{ tier }`: L2 answers again. */
  recovered: channel('infra:cache:recovered'),
};
