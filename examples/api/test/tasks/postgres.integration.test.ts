/** The tasks against a real PostgreSQL: the auth tables cleaned, the outbox shared, the example's tables migrated. */
import { migrate as migrateAuth, postgresStore } from '@infra/auth/postgres';
import { postgres } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import {
  cleanupExpiredTokens,
  createTaskScheduler,
  createTaskStores,
  runMaintenance,
  type TaskDb,
} from '../../src/tasks/index.ts';

const pg = await postgres({ tag: 'tasks' });
const db: TaskDb = { pool: pg.pool({ max: 6 }), schema: pg.schema };
// Several processes migrate at once when they start together.
const [{ outbox, state }] = await Promise.all([createTaskStores(db), createTaskStores(db), createTaskStores(db)]);

describe('cleanupExpiredTokens on the auth tables', () => {
  it('deletes what has ended and keeps a revoked family until its absolute end', async () => {
    await migrateAuth({ pool: db.pool, schema: db.schema });
    const store = postgresStore({ pool: db.pool, schema: db.schema, time: 'client' });
    const hour = 60 * 60_000;
    const now = Date.now();
    const session = (id: string, createdAt: number) =>
      store.createSession({
        id,
        userId: 'u1',
        secretHash: `h-${id}`,
        metadata: {},
        data: {},
        idleTimeout: hour,
        absoluteTimeout: 2 * hour,
        now: createdAt,
      });
    await session('ended', now - 3 * hour);
    await session('live', now);
    const family = (id: string, createdAt: number, absoluteTtl: number) =>
      store.createFamily({
        id,
        userId: 'u1',
        tokenHash: `t-${id}`,
        metadata: {},
        idleTtl: absoluteTtl,
        absoluteTtl,
        maxFamilies: 100,
        now: createdAt,
      });
    await family('ended-2-days-ago', now - 50 * hour, 2 * hour);
    await family('ended-an-hour-ago', now - 3 * hour, 2 * hour);
    await family('revoked-live', now, 24 * hour);
    await store.revokeFamily('revoked-live', 'reuse', now);
    await store.denyToken('u1', 'old-jti', now - 1, now - hour);
    await store.denyToken('u2', 'live-jti', now + hour, now); // u1's next denial would sweep old-jti itself

    const result = await cleanupExpiredTokens(db);

    // One session, two families and one denied token.
    expect(result).toEqual({ store: 'postgres', removed: 4 });
    expect(await store.readSession('live', Date.now())).not.toBeNull();
    expect(await store.getFamily('ended-an-hour-ago')).toBeNull();
    const replay = await store.rotate({
      familyId: 'revoked-live',
      tokenHash: 't-revoked-live',
      nextHash: 'n',
      sealedNext: 's',
      grace: 0,
      idleTtl: hour,
      now: Date.now(),
    });
    expect(replay.outcome).toBe('revoked');
  });

  it('migrates auth tables that do not exist yet (a worker started before the API migrated)', async () => {
    const empty = await postgres({ tag: 'empty' });
    const result = await cleanupExpiredTokens({ pool: empty.pool(), schema: empty.schema });
    expect(result).toEqual({ store: 'postgres', removed: 0 });
  });
});

describe('postgresOutbox', () => {
  it('gives two concurrent senders disjoint entries', async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        outbox.enqueue({ template: 'otp', to: `u${i}@example.com`, data: { name: 'U', code: '123456' } }),
      ),
    );
    const [a, b] = await Promise.all([outbox.claim(6, 60_000), outbox.claim(6, 60_000)]);
    const claimed = [...(a ?? []), ...(b ?? [])].map((e) => e.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual([...ids].sort());
  });

  it('hands an entry whose sender died to the next claim once its lease lapses', async () => {
    const id = await outbox.enqueue({ template: 'otp', to: 'lapse@example.com', data: { name: 'U', code: '123456' } });
    await db.pool.query(`UPDATE "${db.schema}".example_mail_outbox SET status = 'sent' WHERE id <> $1`, [id]);
    expect((await outbox.claim(10, 1)).map((e) => e.id)).toEqual([id]);
    await db.pool.query('SELECT pg_sleep(0.01)'); // the 1 ms lease lapses by the database's clock
    const again = await outbox.claim(10, 60_000);
    expect(again.map((e) => [e.id, e.attempts])).toEqual([[id, 2]]);
  });
});

describe('state and maintenance', () => {
  it('vacuums a table with many dead rows and purges old snapshots', async () => {
    const old = new Date(Date.now() - 40 * 24 * 60 * 60_000);
    await pg.client.query(
      `INSERT INTO example_health_snapshots (slot, instance, status, score)
       SELECT $1, 'i', 'pass', 100 FROM generate_series(1, 3000)`,
      [old],
    );
    await state.addHealthSnapshot({ slot: new Date(), instance: 'now', status: 'pass', score: 100, failing: [] });
    await pg.client.query(`DELETE FROM example_health_snapshots WHERE instance = 'i' AND ctid IN (
      SELECT ctid FROM example_health_snapshots WHERE instance = 'i' LIMIT 2000)`);
    // Table statistics reach pg_stat_user_tables when the session reports them; ask for it now.
    await pg.client.query('SELECT pg_stat_force_next_flush()');
    await pg.client.query('SELECT 1');
    const result = await runMaintenance({ state, outbox, db }, { now: Date.now(), deadRowThreshold: 1000 });
    expect(result.purged.health).toBe(1000);
    expect(result.vacuumed).toEqual([{ table: 'example_health_snapshots', deadRows: 2000 }]);
    expect((await state.healthSnapshots(10)).map((s) => s.instance)).toEqual(['now']);
  });
});

describe('createTaskScheduler', () => {
  it('uses the PostgreSQL coordinator when given a database, migrating it from several processes at once', async () => {
    const made = await Promise.all([createTaskScheduler({ db }), createTaskScheduler({ db })]);
    expect(made.map((m) => m.coordinator)).toEqual(['postgres', 'postgres']);
    const { rows } = await pg.client.query(`SELECT to_regclass('scheduler_runs') IS NOT NULL AS present`);
    expect(rows[0].present).toBe(true);
    await Promise.all(made.map((m) => m.scheduler.close()));
  });
});
