/**
 * `postgresCoordinator({ pool })`: claims are rows of `scheduler_runs`, unique per (job, slot); leases,
 * takeovers and history are judged by the database's clock. Run `migrate({ pool, schema })` once first.
 */
import type { Duration } from '../../../../internal/src/index.ts';
import type { ClaimResult, Coordinator, JobStatus, RunOutcome, RunRecord } from '../coordinator.ts';
import { check } from '../errors.ts';
import type { PostgresPool } from './client.ts';
import { checkPostgresOptions } from './migrate.ts';
import { quoteSchema } from './sql.ts';

/** Options of {@link postgresCoordinator}. */
export interface PostgresCoordinatorOptions {
  /** A `pg` pool; never modified. */
  pool: PostgresPool;
  /** The schema `migrate` created the tables in. @default 'public' */
  schema?: string;
  /** How long ended runs (the history) are kept; older ones are pruned as runs end. @default '7d' */
  retention?: Duration;
}

interface RunRow {
  job: string;
  slot: string;
  manual: boolean;
  run_id: string;
  attempt: number;
  status: string;
  started_ms: number;
  ended_ms: number | null;
  error: string | null;
  owner: string;
}

const runColumns = `job, slot, manual, run_id, attempt, status, owner, error,
  (extract(epoch FROM started_at) * 1000)::float8 AS started_ms, (extract(epoch FROM ended_at) * 1000)::float8 AS ended_ms`;

function toRecord(row: RunRow): RunRecord {
  const startedAt = Math.round(row.started_ms);
  const endedAt = Math.round(row.ended_ms ?? row.started_ms);
  return {
    job: row.job,
    slot: Number(row.slot),
    manual: row.manual,
    runId: row.run_id,
    attempt: row.attempt,
    outcome: row.status as RunOutcome,
    startedAt,
    endedAt,
    durationMs: endedAt - startedAt,
    ...(row.error === null ? {} : { error: row.error }),
    owner: row.owner,
  };
}

/** A coordinator on PostgreSQL: exactly once per (job, slot) across every instance sharing the database. */
export function postgresCoordinator(options: PostgresCoordinatorOptions): Coordinator {
  const { pool, schema } = checkPostgresOptions(options);
  const retention = check.duration(options.retention, 'retention', { default: 7 * 86_400_000, positive: true });
  const s = quoteSchema(schema);
  const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

  return {
    kind: 'postgres',
    retention,
    async register(job, definition) {
      const { rows } = await pool.query<{ known: number; last_slot: string | null; paused: boolean; enabled: boolean }>(
        `INSERT INTO ${s}.scheduler_jobs (name, definition) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition
         RETURNING ${ms('known_since')} AS known, last_slot, paused, enabled`,
        [job, JSON.stringify(definition)],
      );
      const row = rows[0] as (typeof rows)[number];
      return {
        knownSince: Math.round(row.known),
        lastSlot: row.last_slot === null ? undefined : Number(row.last_slot),
        paused: row.paused,
        enabled: row.enabled,
      };
    },
    async unregister(job) {
      await pool.query(`DELETE FROM ${s}.scheduler_jobs WHERE name = $1`, [job]);
    },
    async control(job, flags) {
      const { rowCount } = await pool.query(
        `UPDATE ${s}.scheduler_jobs SET paused = COALESCE($2, paused), enabled = COALESCE($3, enabled) WHERE name = $1`,
        [job, flags.paused ?? null, flags.enabled ?? null],
      );
      return (rowCount ?? 0) > 0;
    },
    async claim(request): Promise<ClaimResult> {
      const { rows } = await pool.query<{
        o_status: string;
        o_attempt: number;
        o_started: number | null;
        o_cancelled: string[];
      }>(
        `SELECT o_status, o_attempt, ${ms('o_started')} AS o_started, o_cancelled
         FROM ${s}.scheduler_claim($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          request.job,
          request.slotId,
          request.slot,
          request.manual,
          request.runId,
          request.owner,
          Math.ceil(request.lease),
          request.overlap,
        ],
      );
      const row = rows[0] as (typeof rows)[number];
      if (row.o_status === 'claimed') {
        return {
          status: 'claimed',
          attempt: row.o_attempt,
          startedAt: Math.round(row.o_started ?? 0),
          cancelled: row.o_cancelled,
        };
      }
      return { status: row.o_status } as ClaimResult;
    },
    async renew(run) {
      const { rows } = await pool.query<{ cancel: boolean }>(
        `UPDATE ${s}.scheduler_runs SET lease_until = clock_timestamp() + make_interval(secs => $5 / 1000.0), attempt = $6
         WHERE job = $1 AND slot_id = $2 AND run_id = $3 AND owner = $4 AND status = 'running' RETURNING cancel`,
        [run.job, run.slotId, run.runId, run.owner, Math.ceil(run.lease), run.attempt],
      );
      const row = rows[0];
      return row === undefined ? 'lost' : row.cancel ? 'cancelled' : 'ok';
    },
    async complete(run) {
      // Ending a run also prunes the job's runs older than the retention: the table stays bounded without a timer.
      const { rows } = await pool.query<{ n: number }>(
        `WITH done AS (
           UPDATE ${s}.scheduler_runs SET status = $5, attempt = $6, error = $7, ended_at = clock_timestamp(), lease_until = NULL
           WHERE job = $1 AND slot_id = $2 AND run_id = $3 AND owner = $4 AND status = 'running' RETURNING 1
         ), pruned AS (
           DELETE FROM ${s}.scheduler_runs
           WHERE job = $1 AND ended_at < clock_timestamp() - make_interval(secs => $8 / 1000.0)
         )
         SELECT count(*)::int AS n FROM done`,
        [run.job, run.slotId, run.runId, run.owner, run.outcome, run.attempt, run.error ?? null, retention],
      );
      return (rows[0]?.n ?? 0) > 0;
    },
    async release(run) {
      await pool.query(
        `UPDATE ${s}.scheduler_runs SET lease_until = clock_timestamp()
         WHERE job = $1 AND slot_id = $2 AND run_id = $3 AND owner = $4 AND status = 'running'`,
        [run.job, run.slotId, run.runId, run.owner],
      );
    },
    async next(request) {
      const { rows } = await pool.query<{
        o_slot_id: string;
        o_slot: string;
        o_manual: boolean;
        o_attempt: number;
        o_started: number;
      }>(
        `SELECT o_slot_id, o_slot, o_manual, o_attempt, ${ms('o_started')} AS o_started FROM ${s}.scheduler_next($1, $2, $3, $4)`,
        [request.job, request.runId, request.owner, Math.ceil(request.lease)],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        job: request.job,
        slotId: row.o_slot_id,
        slot: Number(row.o_slot),
        manual: row.o_manual,
        attempt: row.o_attempt,
        startedAt: Math.round(row.o_started),
      };
    },
    async orphans(jobs) {
      if (jobs.length === 0) return [];
      const { rows } = await pool.query<{
        job: string;
        slot_id: string;
        slot: string;
        manual: boolean;
        buffered: boolean;
      }>(
        `SELECT job, slot_id, slot, manual, false AS buffered FROM ${s}.scheduler_runs
           WHERE job = ANY($1) AND status = 'running' AND lease_until <= clock_timestamp()
         UNION ALL
         SELECT * FROM (
           SELECT DISTINCT ON (b.job) b.job, b.slot_id, b.slot, b.manual, true AS buffered FROM ${s}.scheduler_runs b
           WHERE b.job = ANY($1) AND b.status = 'buffered' AND NOT EXISTS (
             SELECT 1 FROM ${s}.scheduler_runs r
             WHERE r.job = b.job AND r.status = 'running' AND r.lease_until > clock_timestamp()
           )
           ORDER BY b.job, b.slot, b.slot_id
         ) waiting`,
        [jobs],
      );
      return rows.map((row) => ({
        job: row.job,
        slotId: row.slot_id,
        slot: Number(row.slot),
        manual: row.manual,
        buffered: row.buffered,
      }));
    },
    async status(jobs) {
      if (jobs.length === 0) return [];
      const { rows } = await pool.query<{
        name: string;
        known: number;
        last_slot: string | null;
        paused: boolean;
        enabled: boolean;
        running: number;
      }>(
        `SELECT j.name, ${ms('j.known_since')} AS known, j.last_slot, j.paused, j.enabled,
           (SELECT count(*)::int FROM ${s}.scheduler_runs r
              WHERE r.job = j.name AND r.status = 'running' AND r.lease_until > clock_timestamp()) AS running
         FROM ${s}.scheduler_jobs j WHERE j.name = ANY($1)`,
        [jobs],
      );
      const last = await pool.query<RunRow>(
        `SELECT DISTINCT ON (job) ${runColumns} FROM ${s}.scheduler_runs
         WHERE job = ANY($1) AND ended_at IS NOT NULL AND status <> 'skipped'
         ORDER BY job, ended_at DESC, slot DESC`,
        [jobs],
      );
      const lastRuns = new Map(last.rows.map((row) => [row.job, toRecord(row)]));
      const byName = new Map(rows.map((row) => [row.name, row]));
      return jobs.flatMap((job): JobStatus[] => {
        const row = byName.get(job);
        if (row === undefined) return [];
        return [
          {
            job,
            knownSince: Math.round(row.known),
            lastSlot: row.last_slot === null ? undefined : Number(row.last_slot),
            paused: row.paused,
            enabled: row.enabled,
            running: row.running,
            lastRun: lastRuns.get(job),
          },
        ];
      });
    },
    async history(job, limit) {
      const { rows } = await pool.query<RunRow>(
        `SELECT ${runColumns} FROM ${s}.scheduler_runs WHERE job = $1 AND ended_at IS NOT NULL
         ORDER BY ended_at DESC, slot DESC LIMIT $2`,
        [job, limit],
      );
      return rows.map(toRecord);
    },
  };
}
