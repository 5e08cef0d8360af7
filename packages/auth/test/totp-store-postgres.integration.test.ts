/** The second-factor conformance suite on a real PostgreSQL, four pools as four app instances. */
import { postgres } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { migrateTwoFactor, postgresTwoFactorStore } from '../src/totp/postgres-store.ts';
import { twoFactorStoreConformance } from './totp-store-conformance.ts';

const pg = await postgres({ tag: 'auth_2fa' });
const pools = Array.from({ length: 4 }, () => pg.pool({ max: 8 }));
// Four instances migrating at once: the advisory lock makes them take turns, and the second run changes nothing.
await Promise.all(pools.map((pool) => migrateTwoFactor({ pool, schema: pg.schema })));
const stores = pools.map((pool) => postgresTwoFactorStore({ pool, schema: pg.schema }));

twoFactorStoreConformance('postgres', () => stores);

describe('postgresTwoFactorStore', () => {
  it('migrate is idempotent', async () => {
    await migrateTwoFactor({ pool: pools[0] as (typeof pools)[number], schema: pg.schema });
    const tables = await pg.client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [pg.schema],
    );
    expect(tables.rows.map((row: { table_name: string }) => row.table_name)).toEqual([
      'auth_recovery_codes',
      'auth_totp_steps',
    ]);
  });

  it('refuses a schema that is not a plain identifier', () => {
    expect(() =>
      postgresTwoFactorStore({ pool: pools[0] as (typeof pools)[number], schema: 'x"; DROP TABLE y; --' }),
    ).toThrow('Invalid option "schema"');
  });
});
