import { durationOr } from '../duration.ts';
import { invalidOption } from '../errors.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck, roundMs } from './define.ts';

/** Anything with pg's `query(sql)`: a `pg.Pool`, a `pg.Client`, or a look-alike. */
export interface QueryClient {
  query(sql: string): Promise<unknown>;
}

/** Options of {@link postgresCheck}. */
export interface PostgresCheckOptions {
  /** The round-trip query. @default 'SELECT 1' */
  sql?: string;
  /** Warn (not fail) when the round trip takes longer than this. @default undefined (never warns) */
  warnAboveMs?: number | string;
}

/**
 * PostgreSQL round-trip time: runs `SELECT 1` through the pool or client. A server that is down fails the check;
 * one that never answers is cut by the check's timeout (pg has no per-query abort, so the health runner does it).
 *
 * @example health.register('postgres', postgresCheck(pool))
 */
export function postgresCheck(client: QueryClient, options: PostgresCheckOptions = {}): HealthCheck {
  if (typeof client?.query !== 'function')
    throw invalidOption('client', 'must have a query(sql) method (pg Pool or Client)');
  const sql = options.sql ?? 'SELECT 1';
  if (typeof sql !== 'string' || sql.trim() === '') throw invalidOption('sql', 'must be a non-empty SQL string');
  const warnAboveMs = options.warnAboveMs === undefined ? undefined : durationOr(options.warnAboveMs, 'warnAboveMs', 0);
  return defineCheck(
    async () => {
      const started = performance.now();
      await client.query(sql);
      const ms = roundMs(performance.now() - started);
      if (warnAboveMs !== undefined && ms > warnAboveMs) {
        return { status: 'warn', observedValue: ms, observedUnit: 'ms', output: `round trip above ${warnAboveMs} ms` };
      }
      return { observedValue: ms, observedUnit: 'ms' };
    },
    { componentType: 'datastore', measurement: 'responseTime' },
  );
}
