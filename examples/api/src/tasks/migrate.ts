/**
 * Creates the example's task tables (health snapshots, metrics, the mail outbox) idempotently. Several
 * processes start at once (two APIs, two workers), and concurrent CREATE TABLE IF NOT EXISTS can still collide
 * on the catalog, so the DDL runs under a transaction-scoped advisory lock.
 */
import { type TaskDb, table } from './state.ts';

export async function migrateTasks(db: TaskDb): Promise<void> {
  const t = (name: string) => table(db, name);
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`example-tasks:${db.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema.replaceAll('"', '""')}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${t('example_health_snapshots')} (
      id bigserial PRIMARY KEY,
      slot timestamptz NOT NULL,
      instance text NOT NULL,
      status text NOT NULL,
      score integer NOT NULL,
      failing text[] NOT NULL DEFAULT '{}',
      taken_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS example_health_snapshots_slot ON ${t('example_health_snapshots')} (slot)`,
    );
    await client.query(`CREATE TABLE IF NOT EXISTS ${t('example_metrics')} (
      slot timestamptz PRIMARY KEY,
      window_start timestamptz NOT NULL,
      instance text NOT NULL,
      data jsonb NOT NULL,
      runs integer NOT NULL DEFAULT 1,
      computed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${t('example_mail_outbox')} (
      id bigserial PRIMARY KEY,
      template text NOT NULL,
      recipient text NOT NULL,
      data jsonb NOT NULL,
      idempotency_key text NOT NULL UNIQUE,
      status text NOT NULL DEFAULT 'queued',
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      last_error text,
      message_id text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      sent_at timestamptz
    )`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS example_mail_outbox_due ON ${t('example_mail_outbox')} (next_attempt_at)
       WHERE status IN ('queued', 'sending')`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
