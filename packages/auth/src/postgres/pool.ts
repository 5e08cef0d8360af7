// The parts of a `pg` Pool the store uses (structural: any `pg` 8 Pool fits), its options, and a transaction.
import { check, invalidOption } from '../errors.ts';

/** A `pg` query answer, as far as the store reads it. */
export interface PgResult {
  rowCount: number | null;
  rows: unknown[];
}

/** A checked-out `pg` client. */
export interface AuthPgClient {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  release(error?: Error | boolean): void;
}

/** The part of a `pg` `Pool` the store uses. */
export interface AuthPgPool {
  query(text: string, values?: unknown[]): Promise<PgResult>;
  connect(): Promise<AuthPgClient>;
}

/** Options of {@link postgresStore} and {@link migrate}. */
export interface PostgresStoreOptions {
  /** A `pg` `Pool`; the app's own, never ended by the store. Required. */
  pool: AuthPgPool;
  /** Schema of the tables (created by `migrate`). @default 'public' */
  schema?: string;
  /**
   * Whose clock decides lifetimes and the grace window. `'server'` uses PostgreSQL's `clock_timestamp()` in the
   * statement, so app servers with skewed clocks agree. `'client'` uses the caller's `now` (its `clock` option):
   * for deterministic tests against a real database.
   * @default 'server'
   */
  time?: 'server' | 'client';
}

/** Checked options: the pool and a schema that is safe to quote into SQL. */
export function settings(options: PostgresStoreOptions): { pool: AuthPgPool; schema: string } {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected { pool }');
  const pool = options.pool;
  if (typeof pool?.query !== 'function' || typeof pool.connect !== 'function') {
    throw invalidOption('pool', 'expected a pg Pool (query and connect)');
  }
  const schema = check.string(options.schema, 'schema', 'public');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw invalidOption('schema', `expected a plain identifier (letters, digits, _), got ${JSON.stringify(schema)}`);
  }
  return { pool, schema };
}

/** Runs `work` in one transaction on one connection. */
export async function transaction<T>(pool: AuthPgPool, work: (client: AuthPgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(true);
    throw error;
  }
}
