/** The coordinator conformance suite on a real PostgreSQL: three pools (separate connections), one schema. */
import { postgres } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { migrate, postgresCoordinator } from '../src/postgres/index.ts';
import { coordinatorConformance } from './conformance.ts';

const pg = await postgres({ tag: 'scheduler' });
const pools = [pg.pool({ max: 4 }), pg.pool({ max: 4 }), pg.pool({ max: 4 })];
await migrate({ pool: pools[0] as never, schema: pg.schema });

coordinatorConformance('postgres', () => ({
  coordinators: pools.map((pool) => postgresCoordinator({ pool, schema: pg.schema })),
}));

describe('migrate', () => {
  it('is idempotent and safe from several instances at once', async () => {
    await Promise.all(pools.map((pool) => migrate({ pool, schema: pg.schema })));
    const { rows } = await pg.client.query(`SELECT version FROM "${pg.schema}".scheduler_migrations`);
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('creates a missing schema', async () => {
    const schema = `${pg.schema}_other`;
    try {
      await migrate({ pool: pools[0] as never, schema });
      const { rows } = await pg.client.query(
        'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      );
      expect(rows[0]?.n).toBe(3);
    } finally {
      await pg.client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(migrate({ pool: pools[0] as never, schema: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({
      code: 'ERR_SCHEDULER_INVALID_OPTION',
    });
  });
});
