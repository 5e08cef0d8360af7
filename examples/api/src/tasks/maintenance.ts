/**
 * Weekly maintenance: deletes what the tasks keep past its retention (health snapshots 30 days, metrics 90,
 * ended outbox entries 30), then, with a database, VACUUM ANALYZE on the example's and the auth tables whose
 * dead rows passed a threshold (autovacuum may lag behind the hourly cleanup's deletes; a table without many
 * dead rows is left alone rather than vacuumed on principle).
 */
import type { Outbox } from './outbox.ts';
import { type TaskDb, type TaskState, table } from './state.ts';

export interface MaintenanceResult {
  purged: { health: number; metrics: number; outbox: number };
  /** Tables vacuumed, with the dead rows each had. */
  vacuumed: { table: string; deadRows: number }[];
}

const day = 24 * 60 * 60_000;

export interface MaintenanceOptions {
  /** Now, by the task clock. */
  now: number;
  /** Vacuum a table once it has this many dead rows and they are 10 % of its live ones. @default 1000 */
  deadRowThreshold?: number;
}

const maintainedTables = [
  'example_health_snapshots',
  'example_metrics',
  'example_mail_outbox',
  'auth_sessions',
  'auth_refresh_families',
  'auth_refresh_tokens',
  'auth_denied_tokens',
];

export async function runMaintenance(
  deps: { state: TaskState; outbox: Outbox; db?: TaskDb | undefined },
  options: MaintenanceOptions,
): Promise<MaintenanceResult> {
  const { now } = options;
  const purgedState = await deps.state.purge({ health: new Date(now - 30 * day), metrics: new Date(now - 90 * day) });
  const outbox = await deps.outbox.purge(new Date(now - 30 * day));
  const result: MaintenanceResult = { purged: { ...purgedState, outbox }, vacuumed: [] };
  const { db } = deps;
  if (db === undefined) return result;
  const threshold = options.deadRowThreshold ?? 1000;
  const { rows } = await db.pool.query<{ relname: string; n_dead_tup: string; n_live_tup: string }>(
    `SELECT relname, n_dead_tup, n_live_tup FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = ANY($2)`,
    [db.schema, maintainedTables],
  );
  for (const row of rows) {
    const dead = Number(row.n_dead_tup);
    if (dead < threshold || dead < Number(row.n_live_tup) / 10) continue;
    // VACUUM cannot run in a transaction; pool.query sends it alone. The name comes from the fixed list above.
    await db.pool.query(`VACUUM (ANALYZE) ${table(db, row.relname)}`);
    result.vacuumed.push({ table: row.relname, deadRows: dead });
  }
  return result;
}
