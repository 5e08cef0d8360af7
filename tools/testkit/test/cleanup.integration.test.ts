import { describe, expect, it } from 'vitest';
import { postgres, redis } from '../src/index.ts';

describe('cleanup', () => {
  it('deletes the prefix keys, drops the schema and closes clients', async () => {
    const r = await redis({ tag: 'cleanup' });
    const pg = await postgres({ tag: 'cleanup' });
    const observer = await redis({ tag: 'observer' });
    await r.client.set(r.key('a'), '1');
    await r.client.set(r.key('b'), '2');
    await pg.client.query('CREATE TABLE t (x int)');

    await r.cleanup();
    await pg.cleanup();

    expect(await observer.client.keys(`${r.prefix}*`)).toEqual([]);
    expect(r.client.status).toBe('end');
    const check = await postgres({ tag: 'observer' });
    const { rows } = await check.client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
      pg.schema,
    ]);
    expect(rows).toEqual([]);
  });
});
