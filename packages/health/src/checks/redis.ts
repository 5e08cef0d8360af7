import { durationOr } from '../duration.ts';
import { invalidOption } from '../errors.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck, roundMs } from './define.ts';

/** Anything with ioredis' (or node-redis') `ping()`. */
export interface PingClient {
  ping(): Promise<unknown>;
}

/** Options of {@link redisCheck}. */
export interface RedisCheckOptions {
  /** Warn (not fail) when PING takes longer than this. @default undefined (never warns) */
  warnAboveMs?: number | string;
}

/**
 * Redis PING time. A client that cannot connect (ioredis queues commands while it retries) is cut by the
 * check's timeout, so a down Redis fails the probe instead of hanging it.
 *
 * @example health.register('redis', redisCheck(redis))
 */
export function redisCheck(client: PingClient, options: RedisCheckOptions = {}): HealthCheck {
  if (typeof client?.ping !== 'function') throw invalidOption('client', 'must have a ping() method (ioredis client)');
  const warnAboveMs = options.warnAboveMs === undefined ? undefined : durationOr(options.warnAboveMs, 'warnAboveMs', 0);
  return defineCheck(
    async () => {
      const started = performance.now();
      const reply = await client.ping();
      const ms = roundMs(performance.now() - started);
      if (reply !== 'PONG') {
        return { status: 'fail', observedValue: ms, observedUnit: 'ms', output: 'PING did not answer PONG' };
      }
      if (warnAboveMs !== undefined && ms > warnAboveMs) {
        return { status: 'warn', observedValue: ms, observedUnit: 'ms', output: `PING above ${warnAboveMs} ms` };
      }
      return { observedValue: ms, observedUnit: 'ms' };
    },
    { componentType: 'datastore', measurement: 'responseTime' },
  );
}
