/**
 * The Postgres schema of the scheduler: jobs (definition, shared flags, when first known, the latest slot
 * claimed) and runs (one row per (job, slot): the claim, its lease, and then the history). Claims go through
 * a function that locks the job's row, so the overlap policy sees every run of the job on every instance, and
 * every time is the database's (`clock_timestamp()`), never an instance's.
 */

/** The version `migrate` brings a schema to; bump it with each change below. */
export const schemaVersion = 1;

/** A schema name as SQL: checked, then quoted. */
export function quoteSchema(schema: string): string {
  return `"${schema}"`;
}

/** Whether a schema name is a plain identifier (anything else is refused rather than escaped). */
export function plainIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name);
}

/** The statements of `migrate`, for schema `s` (already quoted). */
export function migration(s: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.scheduler_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS ${s}.scheduler_jobs (
  name text PRIMARY KEY,
  definition jsonb NOT NULL DEFAULT '{}',
  paused boolean NOT NULL DEFAULT false,
  enabled boolean NOT NULL DEFAULT true,
  known_since timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_slot bigint
);
CREATE TABLE IF NOT EXISTS ${s}.scheduler_runs (
  job text NOT NULL REFERENCES ${s}.scheduler_jobs (name) ON DELETE CASCADE,
  slot_id text NOT NULL,
  slot bigint NOT NULL,
  manual boolean NOT NULL,
  status text NOT NULL,
  run_id text NOT NULL,
  owner text NOT NULL,
  attempt integer NOT NULL DEFAULT 1,
  lease_until timestamptz,
  cancel boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  error text,
  PRIMARY KEY (job, slot_id)
);
CREATE INDEX IF NOT EXISTS scheduler_runs_open ON ${s}.scheduler_runs (job, status) WHERE status IN ('running', 'buffered');
CREATE INDEX IF NOT EXISTS scheduler_runs_ended ON ${s}.scheduler_runs (job, ended_at DESC) WHERE ended_at IS NOT NULL;

CREATE OR REPLACE FUNCTION ${s}.scheduler_claim(
  p_job text, p_slot_id text, p_slot bigint, p_manual boolean, p_run_id text, p_owner text, p_lease_ms integer, p_overlap text
) RETURNS TABLE (o_status text, o_attempt integer, o_started timestamptz, o_cancelled text[])
LANGUAGE plpgsql AS $fn$
DECLARE
  j ${s}.scheduler_jobs%ROWTYPE;
  r ${s}.scheduler_runs%ROWTYPE;
  t timestamptz := clock_timestamp();
  going integer;
  waiting integer;
  busy boolean;
  gone text[] := '{}';
BEGIN
  -- One claim of a job at a time: the overlap policy must see every run of the job.
  SELECT * INTO j FROM ${s}.scheduler_jobs WHERE name = p_job FOR UPDATE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'unknown'::text, 0, NULL::timestamptz, gone; RETURN; END IF;
  IF NOT j.enabled THEN RETURN QUERY SELECT 'disabled'::text, 0, NULL::timestamptz, gone; RETURN; END IF;
  SELECT * INTO r FROM ${s}.scheduler_runs WHERE job = p_job AND slot_id = p_slot_id;
  IF FOUND THEN
    IF r.status <> 'running' OR r.lease_until > t THEN
      RETURN QUERY SELECT 'taken'::text, 0, NULL::timestamptz, gone; RETURN;
    END IF;
    -- The owner's lease lapsed: take the run over; it counts as the next attempt.
    UPDATE ${s}.scheduler_runs SET run_id = p_run_id, owner = p_owner, cancel = false,
      lease_until = t + make_interval(secs => p_lease_ms / 1000.0), attempt = r.attempt + 1
      WHERE job = p_job AND slot_id = p_slot_id;
    RETURN QUERY SELECT 'claimed'::text, r.attempt + 1, r.started_at, gone; RETURN;
  END IF;
  IF j.paused AND NOT p_manual THEN RETURN QUERY SELECT 'paused'::text, 0, NULL::timestamptz, gone; RETURN; END IF;
  IF NOT p_manual THEN
    UPDATE ${s}.scheduler_jobs SET last_slot = GREATEST(COALESCE(last_slot, p_slot), p_slot) WHERE name = p_job;
  END IF;
  SELECT count(*) FILTER (WHERE status = 'running' AND lease_until > t), count(*) FILTER (WHERE status = 'buffered')
    INTO going, waiting FROM ${s}.scheduler_runs WHERE job = p_job AND status IN ('running', 'buffered');
  busy := going > 0 OR (waiting > 0 AND p_overlap LIKE 'buffer%');
  IF busy AND (p_overlap = 'skip' OR (p_overlap = 'buffer-one' AND waiting > 0)) THEN
    INSERT INTO ${s}.scheduler_runs (job, slot_id, slot, manual, status, run_id, owner, started_at, ended_at)
      VALUES (p_job, p_slot_id, p_slot, p_manual, 'skipped', p_run_id, p_owner, t, t);
    RETURN QUERY SELECT 'skipped'::text, 0, NULL::timestamptz, gone; RETURN;
  END IF;
  IF busy AND p_overlap LIKE 'buffer%' THEN
    INSERT INTO ${s}.scheduler_runs (job, slot_id, slot, manual, status, run_id, owner, started_at)
      VALUES (p_job, p_slot_id, p_slot, p_manual, 'buffered', p_run_id, p_owner, t);
    RETURN QUERY SELECT 'buffered'::text, 0, NULL::timestamptz, gone; RETURN;
  END IF;
  IF p_overlap = 'cancel-other' THEN
    WITH c AS (
      UPDATE ${s}.scheduler_runs SET cancel = true
        WHERE job = p_job AND status = 'running' AND lease_until > t RETURNING slot_id
    ) SELECT COALESCE(array_agg(slot_id), '{}') INTO gone FROM c;
  END IF;
  INSERT INTO ${s}.scheduler_runs (job, slot_id, slot, manual, status, run_id, owner, lease_until, started_at)
    VALUES (p_job, p_slot_id, p_slot, p_manual, 'running', p_run_id, p_owner, t + make_interval(secs => p_lease_ms / 1000.0), t);
  RETURN QUERY SELECT 'claimed'::text, 1, t, gone;
END
$fn$;

CREATE OR REPLACE FUNCTION ${s}.scheduler_next(p_job text, p_run_id text, p_owner text, p_lease_ms integer)
RETURNS TABLE (o_slot_id text, o_slot bigint, o_manual boolean, o_attempt integer, o_started timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
  t timestamptz := clock_timestamp();
BEGIN
  PERFORM 1 FROM ${s}.scheduler_jobs WHERE name = p_job FOR UPDATE;
  IF NOT FOUND THEN RETURN; END IF;
  IF EXISTS (SELECT 1 FROM ${s}.scheduler_runs WHERE job = p_job AND status = 'running' AND lease_until > t) THEN RETURN; END IF;
  RETURN QUERY
    UPDATE ${s}.scheduler_runs AS u SET status = 'running', run_id = p_run_id, owner = p_owner, started_at = t,
      lease_until = t + make_interval(secs => p_lease_ms / 1000.0)
    WHERE u.job = p_job AND u.slot_id = (
      SELECT b.slot_id FROM ${s}.scheduler_runs b WHERE b.job = p_job AND b.status = 'buffered' ORDER BY b.slot, b.slot_id LIMIT 1
    )
    RETURNING u.slot_id, u.slot, u.manual, u.attempt, u.started_at;
END
$fn$;

INSERT INTO ${s}.scheduler_migrations (version) VALUES (${schemaVersion}) ON CONFLICT DO NOTHING;
`;
}
