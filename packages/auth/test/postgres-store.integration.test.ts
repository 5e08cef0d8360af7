/** The PostgreSQL store on a real server: migrate, the conformance suite at client time, server time, the race. */
import { postgres } from '@infra/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, postgresStore } from '../src/postgres/index.ts';
import { concurrentRefreshTest } from './concurrent-refresh.ts';
import { authStoreConformance } from './conformance.ts';

const pg = await postgres({ tag: 'auth_pg' });
const pool = pg.pool({ max: 8 });
await migrate({ pool, schema: pg.schema });
const store = postgresStore({ pool, schema: pg.schema, time: 'client' });

describe('migrate', () => {
  it('is idempotent and safe from several instances at once', async () => {
    await Promise.all(Array.from({ length: 5 }, () => migrate({ pool, schema: pg.schema })));
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${pg.schema}".auth_migrations`);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('creates a schema of its own when asked', async () => {
    const schema = `${pg.schema}_own`;
    await migrate({ pool, schema });
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    expect((rows[0] as { n: number }).n).toBeGreaterThanOrEqual(7);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(migrate({ pool, schema: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_OPTION',
    });
  });
});

authStoreConformance('postgresStore', () => store);

describe('postgresStore at server time', () => {
  const serverStore = postgresStore({ pool, schema: pg.schema });

  it("decides lifetimes by the database's clock, not the caller's: a caller far in the future still rotates", async () => {
    await serverStore.createFamily({
      id: 'fam-server',
      userId: 'u',
      tokenHash: 'h0',
      metadata: {},
      idleTtl: 60_000,
      absoluteTtl: 120_000,
      maxFamilies: 5,
      now: 0,
    });
    const result = await serverStore.rotate({
      familyId: 'fam-server',
      tokenHash: 'h0',
      nextHash: 'h1',
      sealedNext: 's',
      grace: 0,
      idleTtl: 60_000,
      now: Date.UTC(2100, 0, 1),
    });
    expect(result.outcome).toBe('rotated');
  });

  it("purges by the database's clock, not the caller's: a caller far in the future removes no live session", async () => {
    await serverStore.createSession({
      id: 'sess-purge-server',
      userId: 'u',
      secretHash: 'x',
      metadata: {},
      data: {},
      idleTimeout: 60_000,
      absoluteTimeout: 120_000,
      now: 0,
    });
    await serverStore.purgeExpired({ now: Date.UTC(2100, 0, 1) });
    expect(await serverStore.readSession('sess-purge-server', 0)).not.toBeNull();
  });

  it('one rotation is one query', async () => {
    await serverStore.createFamily({
      id: 'fam-rt',
      userId: 'u',
      tokenHash: 'a0',
      metadata: {},
      idleTtl: 60_000,
      absoluteTtl: 120_000,
      maxFamilies: 5,
      now: 0,
    });
    let queries = 0;
    const counting = {
      query: (text: string, values?: unknown[]) => {
        queries++;
        return pool.query(text, values);
      },
      connect: () => pool.connect(),
    };
    await postgresStore({ pool: counting, schema: pg.schema }).rotate({
      familyId: 'fam-rt',
      tokenHash: 'a0',
      nextHash: 'a1',
      sealedNext: 's',
      grace: 0,
      idleTtl: 60_000,
      now: 0,
    });
    expect(queries).toBe(1);
  });
});

// A schema of its own: the suite above leaves a fake key set in the other.
const raceSchema = `${pg.schema}_race`;
await migrate({ pool, schema: raceSchema });
afterAll(() => pool.query(`DROP SCHEMA IF EXISTS "${raceSchema}" CASCADE`));
concurrentRefreshTest('postgresStore', async () =>
  postgresStore({ pool: pg.pool({ max: 1 }), schema: raceSchema, time: 'client' }),
);
