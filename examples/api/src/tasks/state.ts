/**
 * What the tasks keep between runs: health snapshots and hourly metrics. In PostgreSQL (tables of the example,
 * created by `migrateTasks`) when DATABASE_URL is set, so every instance reads the same history; in memory,
 * bounded, otherwise.
 */
import type pg from 'pg';

/** The database the tasks use: the app's pool and the schema of its tables (the packages' tables live there too). */
export interface TaskDb {
  pool: pg.Pool;
  schema: string;
}

export type SnapshotStatus = 'pass' | 'warn' | 'fail';

/** One health snapshot: which instance took it, for which slot, and what it found. */
export interface HealthSnapshot {
  slot: Date;
  instance: string;
  status: SnapshotStatus;
  score: number;
  /** Names of the checks that did not pass. */
  failing: string[];
}

/** One job's runs within a metrics window. */
export interface JobMetrics {
  runs: number;
  failed: number;
  skipped: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** The metrics aggregated for one window, ending at `slot`. */
export interface MetricsRow {
  slot: Date;
  windowStart: Date;
  instance: string;
  jobs: Record<string, JobMetrics>;
  outbox: Record<string, number>;
  /** This instance's cache counters at aggregation time, when it has a cache. */
  cache: { hits: number; misses: number; hitRate: number | null } | null;
}

export interface TaskState {
  readonly kind: 'memory' | 'postgres';
  /** The latest snapshot by any instance. */
  lastHealthSnapshot(): Promise<HealthSnapshot | undefined>;
  addHealthSnapshot(snapshot: HealthSnapshot): Promise<void>;
  /** Newest first. */
  healthSnapshots(limit: number): Promise<HealthSnapshot[]>;
  /** Writes the window's row; a second write for one slot (a takeover re-ran it) replaces it and counts `runs`. */
  putMetrics(row: MetricsRow): Promise<void>;
  /** Newest first. */
  metrics(limit: number): Promise<(MetricsRow & { runs: number })[]>;
  /** Deletes snapshots and metrics older than the given instants; returns how many went. */
  purge(before: { health: Date; metrics: Date }): Promise<{ health: number; metrics: number }>;
}

const memoryLimit = 1000;

/** Task state in this process (embedded mode), each list bounded to the newest 1000. */
export function memoryTaskState(): TaskState {
  const snapshots: HealthSnapshot[] = [];
  const rows = new Map<number, MetricsRow & { runs: number }>();
  return {
    kind: 'memory',
    async lastHealthSnapshot() {
      return snapshots.at(-1);
    },
    async addHealthSnapshot(snapshot) {
      snapshots.push(snapshot);
      if (snapshots.length > memoryLimit) snapshots.shift();
    },
    async healthSnapshots(limit) {
      return snapshots.slice(-limit).reverse();
    },
    async putMetrics(row) {
      const runs = (rows.get(row.slot.getTime())?.runs ?? 0) + 1;
      rows.set(row.slot.getTime(), { ...row, runs });
      if (rows.size > memoryLimit) rows.delete(Math.min(...rows.keys()));
    },
    async metrics(limit) {
      return [...rows.values()].sort((a, b) => b.slot.getTime() - a.slot.getTime()).slice(0, limit);
    },
    async purge(before) {
      const health = snapshots.length;
      const kept = snapshots.filter((s) => s.slot >= before.health);
      snapshots.splice(0, snapshots.length, ...kept);
      let metrics = 0;
      for (const [slot, row] of rows) {
        if (row.slot < before.metrics) {
          rows.delete(slot);
          metrics++;
        }
      }
      return { health: health - kept.length, metrics };
    },
  };
}

/** `"schema".table`, the schema checked by the config (a lower-case identifier) and quoted anyway. */
export function table(db: TaskDb, name: string): string {
  return `"${db.schema.replaceAll('"', '""')}".${name}`;
}

interface SnapshotRow {
  slot: Date;
  instance: string;
  status: SnapshotStatus;
  score: number;
  failing: string[];
}

/** Task state in PostgreSQL; run {@link migrateTasks} first. */
export function postgresTaskState(db: TaskDb): TaskState {
  const snapshots = table(db, 'example_health_snapshots');
  const metrics = table(db, 'example_metrics');
  const readSnapshots = async (limit: number) => {
    const { rows } = await db.pool.query<SnapshotRow>(
      `SELECT slot, instance, status, score, failing FROM ${snapshots} ORDER BY slot DESC, id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ ...r, failing: [...r.failing] }));
  };
  return {
    kind: 'postgres',
    async lastHealthSnapshot() {
      return (await readSnapshots(1))[0];
    },
    async addHealthSnapshot(s) {
      await db.pool.query(
        `INSERT INTO ${snapshots} (slot, instance, status, score, failing) VALUES ($1, $2, $3, $4, $5)`,
        [s.slot, s.instance, s.status, s.score, s.failing],
      );
    },
    healthSnapshots: readSnapshots,
    async putMetrics(row) {
      await db.pool.query(
        `INSERT INTO ${metrics} (slot, window_start, instance, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (slot) DO UPDATE SET window_start = EXCLUDED.window_start, instance = EXCLUDED.instance,
           data = EXCLUDED.data, runs = ${metrics}.runs + 1, computed_at = clock_timestamp()`,
        [row.slot, row.windowStart, row.instance, { jobs: row.jobs, outbox: row.outbox, cache: row.cache }],
      );
    },
    async metrics(limit) {
      const { rows } = await db.pool.query<{
        slot: Date;
        window_start: Date;
        instance: string;
        data: Pick<MetricsRow, 'jobs' | 'outbox' | 'cache'>;
        runs: number;
      }>(`SELECT slot, window_start, instance, data, runs FROM ${metrics} ORDER BY slot DESC LIMIT $1`, [limit]);
      return rows.map((r) => ({
        slot: r.slot,
        windowStart: r.window_start,
        instance: r.instance,
        runs: r.runs,
        ...r.data,
      }));
    },
    async purge(before) {
      const [health, metricRows] = await Promise.all([
        db.pool.query(`DELETE FROM ${snapshots} WHERE slot < $1`, [before.health]),
        db.pool.query(`DELETE FROM ${metrics} WHERE slot < $1`, [before.metrics]),
      ]);
      return { health: health.rowCount ?? 0, metrics: metricRows.rowCount ?? 0 };
    },
  };
}
