import type { Clock, Duration } from '../../../../internal/src/index.ts';
import { clockOption } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import { roundMs, stopwatch } from '../measure.ts';
import { optionalDurationOption } from '../options.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck } from './define.ts';

/** Anything with ioredis' (or node-redis') `ping()`. */
export interface PingClient {
  ping(): Promise<unknown>;
}

/** Options of {@link redisCheck}. */
export interface RedisCheckOptions {
  /** The client to PING: ioredis, node-redis, or anything with `ping()`; never modified. Required. */
  client: PingClient;
  /** Warn (not fail) when PING takes longer than this. @default undefined (never warns) */
  warnAbove?: Duration;
  /** @deprecated Renamed to `warnAbove`; this alias goes in the next minor version. */
  warnAboveMs?: Duration;
  /** Source of time for the measured PING time (tests). @default the system clock */
  clock?: Clock;
}

/** Options of the deprecated positional form `redisCheck(client, options)`. */
export type RedisCheckExtraOptions = Omit<RedisCheckOptions, 'client'>;

/** @deprecated Pass the client in the options: `redisCheck({ client })`; this form goes in the next minor version. */
export function redisCheck(client: PingClient, options?: RedisCheckExtraOptions): HealthCheck;
/**
 * Redis PING time. A client that cannot connect (ioredis queues commands while it retries) is cut by the
 * check's timeout, so a down Redis fails the probe instead of hanging it.
 *
 * @example health.register('redis', redisCheck({ client: redis }))
 */
export function redisCheck(options: RedisCheckOptions): HealthCheck;
export function redisCheck(first: RedisCheckOptions | PingClient, extra: RedisCheckExtraOptions = {}): HealthCheck {
  const options: Partial<RedisCheckOptions> = isPingClient(first) ? { ...extra, client: first } : first;
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const client = options.client;
  if (typeof client?.ping !== 'function') throw invalidOption('client', 'must have a ping() method (ioredis client)');
  const warnAbove = optionalDurationOption(options, 'warnAbove', 'warnAboveMs');
  const clock = clockOption(options.clock, invalidOption);
  return defineCheck(
    async () => {
      const elapsed = stopwatch(clock);
      const reply = await client.ping();
      const ms = roundMs(elapsed());
      if (reply !== 'PONG') {
        return { status: 'fail', observedValue: ms, observedUnit: 'ms', output: 'PING did not answer PONG' };
      }
      if (warnAbove !== undefined && ms > warnAbove) {
        return { status: 'warn', observedValue: ms, observedUnit: 'ms', output: `PING above ${warnAbove} ms` };
      }
      return { observedValue: ms, observedUnit: 'ms' };
    },
    { componentType: 'datastore', measurement: 'responseTime' },
  );
}

function isPingClient(value: unknown): value is PingClient {
  return typeof (value as Partial<PingClient> | null)?.ping === 'function';
}
