import pg from 'pg';
import { afterAll } from 'vitest';
import { CONNECT_TIMEOUT_MS } from './probe.ts';
import { serviceUrl, serviceVersion, uniqueName } from './services.ts';

export interface TestPostgres {
  /** A connected client whose search_path is this file's own schema. */
  client: pg.Client;
  url: string;
  version: string;
  /** This file's schema; dropped (CASCADE) afterwards. */
  schema: string;
  /** A pool whose connections all use this file's schema; ended afterwards. */
  pool(config?: pg.PoolConfig): pg.Pool;
  /** Drops the schema and closes every client and pool; registered with afterAll automatically. */
  cleanup(): Promise<void>;
}

/**
 * A real PostgreSQL for this test file, isolated in a schema of its own. Call it at the top level
 * of the file (top-level await) so the afterAll cleanup is registered:
 *
 *   const pg = await testPostgres();
 */
export async function testPostgres(options: { tag?: string } = {}): Promise<TestPostgres> {
  const url = serviceUrl('postgres');
  const schema = uniqueName(options.tag ?? 't');
  const connection = {
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    options: `-c search_path=${schema}`,
  };
  const client = new pg.Client(connection);
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  const pools = new Set<pg.Pool>();

  let cleaned = false;
  async function cleanup(): Promise<void> {
    if (cleaned) return;
    cleaned = true;
    await Promise.all([...pools].map((p) => p.end().catch(() => {})));
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  afterAll(cleanup);

  return {
    client,
    url,
    version: serviceVersion('postgres'),
    schema,
    pool(config = {}) {
      const pool = new pg.Pool({ ...connection, ...config });
      pools.add(pool);
      return pool;
    },
    cleanup,
  };
}
