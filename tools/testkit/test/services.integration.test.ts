import { describe, expect, it } from 'vitest';
import { postgres, redis } from '../src/index.ts';

const r = await redis({ tag: 'testkit' });
const pg = await postgres({ tag: 'testkit' });

describe('real services', () => {
  it('writes and reads through real Redis', async () => {
    console.log(`[testkit] connected to Redis ${r.version} (${r.url})`);
    await r.client.set(r.key('greeting'), 'hello', 'PX', 60_000);
    expect(await r.client.get(r.key('greeting'))).toBe('hello');
    const info = await r.client.info('server');
    expect(info).toContain(`redis_version:${r.version}`);
  });

  it('gives each file its own key prefix and a second connection', async () => {
    expect(r.prefix).toMatch(/^testkit_[a-z0-9]+_[a-z0-9]+:$/);
    const other = await r.connect();
    await other.set(r.key('from-other'), '1');
    expect(await r.client.get(r.key('from-other'))).toBe('1');
  });

  it('writes and reads through real PostgreSQL, in its own schema', async () => {
    console.log(`[testkit] connected to PostgreSQL ${pg.version} (${pg.url})`);
    await pg.client.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
    await pg.client.query('INSERT INTO notes (body) VALUES ($1)', ['hello']);
    const { rows } = await pg.client.query<{ body: string; schema: string }>(
      'SELECT body, current_schema() AS schema FROM notes',
    );
    expect(rows).toEqual([{ body: 'hello', schema: pg.schema }]);
    const version = await pg.client.query<{ server_version: string }>('SHOW server_version');
    expect(version.rows[0]?.server_version).toBe(pg.version);
  });

  it('pools use the same schema', async () => {
    const pool = pg.pool({ max: 2 });
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM notes');
    expect(rows[0]?.n).toBe('1');
  });
});
