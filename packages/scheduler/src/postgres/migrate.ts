import { check, invalidOption } from '../errors.ts';
import type { PostgresPool } from './client.ts';
import { migration, plainIdentifier, quoteSchema } from './sql.ts';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** A `pg` pool. */
  pool: PostgresPool;
  /** The schema of the scheduler's tables, created when missing. @default 'public' */
  schema?: string;
}

/**
 * Creates (or brings up to date) the scheduler's tables and functions. Idempotent, and safe from several
 * instances at once: the work runs in one transaction under a transaction-level advisory lock of the schema.
 */
export async function migrate(options: MigrateOptions): Promise<void> {
  const { pool, schema } = checkPostgresOptions(options);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`@infra/scheduler:${schema}`]);
    await client.query(migration(quoteSchema(schema)));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Checks the `pool` and `schema` options shared by `migrate` and `postgresCoordinator`. */
export function checkPostgresOptions(options: { pool?: unknown; schema?: unknown }): {
  pool: PostgresPool;
  schema: string;
} {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const pool = options.pool as Partial<PostgresPool> | undefined;
  if (typeof pool?.query !== 'function' || typeof pool.connect !== 'function') {
    throw invalidOption('pool', 'must be a pg Pool (with query() and connect())');
  }
  const schema = check.string(options.schema, 'schema', 'public');
  if (!plainIdentifier(schema))
    throw invalidOption('schema', `must be a plain identifier (letters, digits, _), got ${JSON.stringify(schema)}`);
  return { pool: pool as PostgresPool, schema };
}
