/**
 * @infra/scheduler against croner alone (the library it builds on):
 * - lateness (handler start − scheduled slot) of per-second cron jobs, ours with the memory coordinator and with
 *   the Postgres coordinator (a claim round trip per slot), vs croner's own timer; phases alternate
 *   counterbalanced (croner, memory, postgres, postgres, memory, croner), 10 jobs per side, on the real clock;
 * - claims per second with 3 coordinator instances (own connections) contending for the slots of 100 jobs,
 *   claim + complete, vs the bare exactly-once primitive each store offers (INSERT … ON CONFLICT DO NOTHING on
 *   Postgres, SET NX PX on Redis) doing the same calls without leases, overlap, takeover or history.
 */
import { createScheduler, type Scheduler } from '@infra/scheduler';
import { migrate, postgresCoordinator } from '@infra/scheduler/postgres';
import { redisCoordinator } from '@infra/scheduler/redis';
import { Cron } from 'croner';
import { Redis } from 'ioredis';
import pg from 'pg';
import { summarize } from '../src/measure.ts';
import { redisUrl, removeKeys } from '../src/redis.ts';
import { defineScenario } from '../src/scenario.ts';

const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_scheduler_${process.pid}`;
const prefix = `bench:scheduler:${process.pid}:`;
const jobsPerSide = 10;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `jobsPerSide` per-second jobs of one side for one phase and returns the lateness samples (ms). */
async function phase(side: 'croner' | 'memory' | 'postgres', pool: pg.Pool, phaseMs: number): Promise<number[]> {
  const samples: number[] = [];
  if (side === 'croner') {
    const crons = Array.from(
      { length: jobsPerSide },
      () =>
        new Cron('* * * * * *', () => {
          const at = now();
          samples.push(at - Math.floor(at / 1000) * 1000);
        }),
    );
    await sleep(phaseMs);
    for (const cron of crons) cron.stop();
    return samples;
  }
  const scheduler: Scheduler = createScheduler(
    side === 'postgres' ? { coordinator: postgresCoordinator({ pool, schema }) } : {},
  );
  await Promise.all(
    Array.from({ length: jobsPerSide }, (_, i) =>
      scheduler.add(`late-${side}-${i}`, '* * * * * *', ({ slot }) => void samples.push(now() - slot.getTime()), {
        catchup: 'none',
      }),
    ),
  );
  await sleep(phaseMs);
  await scheduler.close();
  return samples;
}

export default defineScenario({
  name: 'scheduler',
  ours: '@infra/scheduler',
  peer: 'croner',
  description:
    'per-second job lateness p50/p99 vs croner; claims/s with 3 instances × 100 jobs vs bare store primitives',
  async run(bench) {
    const pools = Array.from(
      { length: 3 },
      () => new pg.Pool({ connectionString: postgresUrl, max: 10, idleTimeoutMillis: 120_000 }),
    );
    const base = pools[0] as pg.Pool;
    const redisClients = Array.from({ length: 3 }, () => new Redis(redisUrl, { lazyConnect: true }));
    await Promise.all(redisClients.map((client) => client.connect()));
    try {
      await migrate({ pool: base, schema });

      // A short unrecorded phase per side first: JIT compilation and new connections are not lateness.
      for (const side of ['croner', 'memory', 'postgres'] as const) await phase(side, base, 2_000);
      const lateness = { croner: [] as number[], memory: [] as number[], postgres: [] as number[] };
      for (const side of ['croner', 'memory', 'postgres', 'postgres', 'memory', 'croner'] as const) {
        lateness[side].push(...(await phase(side, base, 8_000)));
      }
      const note = (n: number) => `${jobsPerSide} per-second jobs, ${n} slots per side, real clock`;
      const croner = summarize(lateness.croner);
      const memory = summarize(lateness.memory);
      const onPostgres = summarize(lateness.postgres);
      bench.record('lateness, memory coordinator', 'ms (p50)', memory.p50, croner.p50, note(lateness.memory.length));
      bench.record('lateness, memory coordinator', 'ms (p99)', memory.p99, croner.p99, note(lateness.memory.length));
      bench.record(
        'lateness, Postgres coordinator',
        'ms (p50)',
        onPostgres.p50,
        croner.p50,
        note(lateness.postgres.length),
      );
      bench.record(
        'lateness, Postgres coordinator',
        'ms (p99)',
        onPostgres.p99,
        croner.p99,
        note(lateness.postgres.length),
      );

      // Claims: 3 instances ask for every (job, slot) of 100 jobs at once; the winner completes it.
      const jobs = Array.from({ length: 100 }, (_, i) => `claims-${i}`);
      const pgCoordinators = pools.map((pool) => postgresCoordinator({ pool, schema }));
      const redisCoordinators = redisClients.map((client) => redisCoordinator({ client, prefix }));
      for (const job of jobs) {
        await pgCoordinators[0]?.register(job, {});
        await redisCoordinators[0]?.register(job, {});
      }
      await base.query(
        `CREATE TABLE IF NOT EXISTS "${schema}".bare_claims (job text, slot bigint, done boolean NOT NULL DEFAULT false, PRIMARY KEY (job, slot))`,
      );

      let slot = 0;
      const oursRound = (coordinators: typeof pgCoordinators) => async () => {
        const s = ++slot;
        await Promise.all(
          coordinators.flatMap((coordinator, i) =>
            jobs.map(async (job) => {
              const runId = `${i}-${s}-${job}`;
              const claim = await coordinator.claim({
                job,
                slotId: String(s),
                slot: s,
                manual: false,
                runId,
                owner: `i${i}`,
                lease: 30_000,
                overlap: 'skip',
              });
              if (claim.status === 'claimed') {
                await coordinator.complete({
                  job,
                  slotId: String(s),
                  runId,
                  owner: `i${i}`,
                  outcome: 'succeeded',
                  attempt: 1,
                });
              }
            }),
          ),
        );
      };
      const barePostgres = async () => {
        const s = ++slot;
        await Promise.all(
          pools.flatMap((pool) =>
            jobs.map(async (job) => {
              const { rowCount } = await pool.query(
                `INSERT INTO "${schema}".bare_claims (job, slot) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
                [job, s],
              );
              if (rowCount === 1)
                await pool.query(`UPDATE "${schema}".bare_claims SET done = true WHERE job = $1 AND slot = $2`, [
                  job,
                  s,
                ]);
            }),
          ),
        );
      };
      const bareRedis = async () => {
        const s = ++slot;
        await Promise.all(
          redisClients.flatMap((client) =>
            jobs.map(async (job) => {
              const key = `${prefix}bare:{${job}}:${s}`;
              if ((await client.set(key, 'running', 'PX', 30_000, 'NX')) === 'OK')
                await client.set(key, 'done', 'KEEPTTL', 'XX');
            }),
          ),
        );
      };
      /** Slots claimed (and completed) per second: 100 per round, each round 300 claims from 3 instances. */
      const claimsPerSecond = async (round: () => Promise<void>, ms: number) => {
        const end = performance.now() + ms;
        let rounds = 0;
        const start = performance.now();
        while (performance.now() < end) {
          await round();
          rounds++;
        }
        return (rounds * jobs.length * 1000) / (performance.now() - start);
      };
      const measure = async (ours: () => Promise<void>, peer: () => Promise<void>) => {
        await claimsPerSecond(ours, 500);
        await claimsPerSecond(peer, 500);
        const o1 = await claimsPerSecond(ours, 3_000);
        const p1 = await claimsPerSecond(peer, 3_000);
        const p2 = await claimsPerSecond(peer, 3_000);
        const o2 = await claimsPerSecond(ours, 3_000);
        return { ours: (o1 + o2) / 2, peer: (p1 + p2) / 2 };
      };
      const claimNote = '3 instances × 100 jobs, 300 claims per slot round, claim + complete';
      const onPg = await measure(oursRound(pgCoordinators), barePostgres);
      bench
        .against('INSERT … ON CONFLICT DO NOTHING')
        .record('slots claimed/s, Postgres', 'ops/s', onPg.ours, onPg.peer, claimNote);
      const onRedis = await measure(oursRound(redisCoordinators), bareRedis);
      bench.against('SET NX PX').record('slots claimed/s, Redis', 'ops/s', onRedis.ours, onRedis.peer, claimNote);
    } finally {
      await base.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
      await removeKeys(redisClients[0] as Redis, `${prefix}*`).catch(() => {});
      await Promise.all(pools.map((pool) => pool.end()));
      await Promise.all(redisClients.map((client) => client.quit()));
    }
  },
});
