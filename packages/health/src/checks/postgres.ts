import type { Clock, Duration } from '../../../../internal/src/index.ts';
import { clockOption } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import { roundMs, stopwatch } from '../measure.ts';
import { optionalDurationOption } from '../options.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck } from './define.ts';

/** Anything with pg's `query(sql)`: a `pg.Pool`, a `pg.Client`, or a look-alike. */
export interface QueryClient {
  query(sql: string): Promise<unknown>;
}

/** Options of {@link postgresCheck}. */
export interface PostgresCheckOptions {
  /** The pool to query: a `pg.Pool` (a `pg.Client` works too); never modified. Required. */
  pool: QueryClient;
  /** The round-trip query. @default 'SELECT 1' */
  sql?: string;
  /** Warn (not fail) when the round trip takes longer than this. @default undefined (never warns) */
  warnAbove?: Duration;
  /** @deprecated Renamed to `warnAbove`; this alias goes in the next minor version. */
  warnAboveMs?: Duration;
  /** Source of time for the measured round trip (tests). @default the system clock */
  clock?: Clock;
}

/** Options of the deprecated positional form `postgresCheck(pool, options)`. */
export type PostgresCheckExtraOptions = Omit<PostgresCheckOptions, 'pool'>;

/** @deprecated Pass the pool in the options: `postgresCheck({ pool })`; this form goes in the next minor version. */
export function postgresCheck(pool: QueryClient, options?: PostgresCheckExtraOptions): HealthCheck;
/**
 * PostgreSQL round-trip time: runs `SELECT 1` through the pool or client. A server that is down fails the check;
 * one that never answers is cut by the check's timeout (pg has no per-query abort, so the health runner does it).
 *
 * @example health.register('postgres', postgresCheck({ pool }))
 */
export function postgresCheck(options: PostgresCheckOptions): HealthCheck;
export function postgresCheck(
  first: PostgresCheckOptions | QueryClient,
  extra: PostgresCheckExtraOptions = {},
): HealthCheck {
  const options: Partial<PostgresCheckOptions> = isQueryClient(first) ? { ...extra, pool: first } : first;
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const pool = options.pool;
  if (typeof pool?.query !== 'function')
    throw invalidOption('pool', 'must have a query(sql) method (pg Pool or Client)');
  const sql = options.sql ?? 'SELECT 1';
  if (typeof sql !== 'string' || sql.trim() === '') throw invalidOption('sql', 'must be a non-empty SQL string');
  const warnAbove = optionalDurationOption(options, 'warnAbove', 'warnAboveMs');
  const clock = clockOption(options.clock, invalidOption);
  return defineCheck(
    async () => {
      const elapsed = stopwatch(clock);
      await pool.query(sql);
      const ms = roundMs(elapsed());
      if (warnAbove !== undefined && ms > warnAbove) {
        return { status: 'warn', observedValue: ms, observedUnit: 'ms', output: `round trip above ${warnAbove} ms` };
      }
      return { observedValue: ms, observedUnit: 'ms' };
    },
    { componentType: 'datastore', measurement: 'responseTime' },
  );
}

function isQueryClient(value: unknown): value is QueryClient {
  return typeof (value as Partial<QueryClient> | null)?.query === 'function';
}
