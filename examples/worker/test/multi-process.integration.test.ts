/**
 * Two API processes and two worker processes on one PostgreSQL schema and one Redis prefix, the APIs running
 * the tasks too (RUN_TASKS=true), so four schedulers share the PostgreSQL coordinator, for two minutes of
 * per-second tasks (about 118 slots per job). The reuse test waits out the API's 30-second refresh grace window
 * (@infra/auth's default) and the invalidation test runs in parallel with the window, so the file takes about two
 * minutes. Real time is unavoidable here: the
 * processes decide by PostgreSQL's clock, which a test clock cannot move.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { postgres, redis as testRedis } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { backendEnv } from './support/backends.ts';
import { type Started, startApi, startWorker } from './support/processes.ts';

const pg = await postgres({ tag: 'multi' });
const redis = await testRedis({ tag: 'multi' });
const env = {
  ...backendEnv(pg, redis),
  TASK_SCHEDULES: JSON.stringify({ 'health-snapshot': '* * * * * *', 'metrics-aggregation': '* * * * * *' }),
  RATE_LIMIT_PER_MINUTE: '100000',
  COOKIE_SECURE: 'false',
};
// Workers first: the first process migrates; the others find the tables (both paths are exercised anyway).
const processes: Started[] = await Promise.all([
  startWorker(env, 'file'),
  startWorker(env, 'file'),
  startApi({ ...env, RUN_TASKS: 'true' }, 'file'),
  startApi({ ...env, RUN_TASKS: 'true' }, 'file'),
]);
const [, , apiA, apiB] = processes as [Started, Started, Started, Started];
const startedAt = Date.now();
const windowMs = 120_000;

async function post(api: Started, path: string, body: unknown, token?: string) {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown> } };
}

async function catalogReads(api: Started): Promise<number> {
  return ((await (await fetch(`${api.url}/cache/stats`)).json()) as { catalogReads: number }).catalogReads;
}

describe('two APIs and two workers on one PostgreSQL and Redis', () => {
  it.concurrent('run every per-second slot once, none missed, over a two-minute window', async () => {
    await sleep(startedAt + windowMs - Date.now());
    // Slots from the first whole second after all four started, to two seconds ago (runs still settling).
    const from = new Date(Math.ceil(startedAt / 1000) * 1000);
    const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000);
    const expected = (to.getTime() - from.getTime()) / 1000 + 1;
    const snapshots = await pg.client.query<{ slot: Date; runs: number; instances: string[] }>(
      `SELECT slot, count(*)::int AS runs, array_agg(instance) AS instances FROM example_health_snapshots
         WHERE slot BETWEEN $1 AND $2 GROUP BY slot ORDER BY slot`,
      [from, to],
    );
    const metrics = await pg.client.query<{ slot: Date; runs: number }>(
      `SELECT slot, runs FROM example_metrics WHERE slot BETWEEN $1 AND $2 ORDER BY slot`,
      [from, to],
    );
    const byInstance: Record<string, number> = {};
    for (const row of snapshots.rows) for (const i of row.instances) byInstance[i] = (byInstance[i] ?? 0) + 1;
    console.info(
      `multi-process: ${expected} slots per job from ${from.toISOString()}; snapshots by instance:`,
      byInstance,
    );
    expect(expected).toBeGreaterThanOrEqual(110);
    expect(snapshots.rows.map((r) => r.runs)).toEqual(Array(expected).fill(1));
    expect(metrics.rows.map((r) => r.runs)).toEqual(Array(expected).fill(1));
  }, 150_000);

  it.concurrent('honour on one API a refresh-token reuse detected on the other', async () => {
    const credentials = { email: 'reuse@example.com', password: 'correct horse battery staple' };
    expect((await post(apiA, '/api/auth/register', credentials)).status).toBe(201);
    const login = await post(apiA, '/api/auth/login', credentials);
    const first = String(login.body.data?.refreshToken);
    const rotated = await post(apiA, '/api/auth/refresh', { refreshToken: first });
    expect(rotated.status).toBe(200);
    const second = String(rotated.body.data?.refreshToken);
    // Within the grace window a replay gets the same successor (a client's parallel refresh); past it, reuse.
    await sleep(31_000);
    const replay = await post(apiB, '/api/auth/refresh', { refreshToken: first });
    expect(replay.status).toBe(401);
    const afterReuse = await post(apiA, '/api/auth/refresh', { refreshToken: second });
    expect(afterReuse.status).toBe(401);
  }, 60_000);

  it.concurrent('carry a cache invalidation on one API to the other', async () => {
    await fetch(`${apiB.url}/products/2`); // B caches product 2 (L1 and Redis)
    expect((await fetch(`${apiB.url}/products/2`)).status).toBe(200); // an L1 hit
    const before = await catalogReads(apiB);
    const update = await fetch(`${apiA.url}/products/2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Hand grinder, steel burrs', priceCents: 9900 }),
    });
    expect(update.status).toBe(200);
    // A dropped it from Redis and published the invalidation; once B's L1 has dropped it, B's next read misses
    // both tiers and reaches its own catalog. Bounded: 100 reads, 50 ms apart.
    let reads = before;
    for (let i = 0; i < 100 && reads === before; i++) {
      await fetch(`${apiB.url}/products/2`);
      reads = await catalogReads(apiB);
      if (reads === before) await sleep(50);
    }
    expect(reads).toBe(before + 1);
  });

  it('all four exit 0 on SIGTERM', async () => {
    expect(await Promise.all(processes.map((p) => p.stop()))).toEqual([0, 0, 0, 0]);
  });
});
