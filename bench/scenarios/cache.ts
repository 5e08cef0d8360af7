/**
 * @infra/cache against BentoCache (and cache-manager 7 + keyv 5 + @keyv/redis) on the same Redis
 * and the same data: a small user record, plain JSON so every library stores the same thing.
 *
 * - L1-hit getOrSet: memory + Redis tiers, key already cached, so only the in-process hit path runs.
 * - Redis-hit get: L2 only, against a raw ioredis GET + JSON.parse of the same record (the floor).
 * - Tiered set: memory + Redis write.
 * - 1,000 concurrent misses on one key with a 20 ms factory: factory calls and p99 waiter latency.
 */
import { createCache } from '@infra/cache';
import { redisStore } from '@infra/cache/redis';
import KeyvRedis from '@keyv/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { createCache as createCacheManager } from 'cache-manager';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { summarize } from '../src/measure.ts';
import { redisUrl, removeKeys } from '../src/redis.ts';
import { type Bench, defineScenario } from '../src/scenario.ts';

const prefix = `bench:cache:${process.pid}:`;
const record = {
  id: 42,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  roles: ['admin', 'editor'],
  createdAt: '2026-11-22T10:00:00.000Z',
  settings: { theme: 'dark', locale: 'en-GB', notifications: { email: true, sms: false } },
};
const factoryMs = 20;
const slow = <T>(value: T): Promise<T> => new Promise((resolve) => setTimeout(resolve, factoryMs, value));

export default defineScenario({
  name: 'cache',
  ours: '@infra/cache',
  peer: 'bentocache / cache-manager',
  description: 'two-tier cache: L1-hit getOrSet, Redis-hit get, tiered set, 1,000 concurrent misses',
  async run(bench) {
    const connect = async (): Promise<Redis> => {
      const client = new Redis(redisUrl, { lazyConnect: true });
      await client.connect();
      return client;
    };
    const [oursClient, bentoClient, rawClient] = await Promise.all([connect(), connect(), connect()]);
    const ours = createCache({ l2: redisStore({ client: oursClient, prefix: `${prefix}ours:` }), ttl: '1h' });
    const oursL2 = createCache({
      l1: false,
      l2: redisStore({ client: oursClient, prefix: `${prefix}ours2:` }),
      ttl: '1h',
    });
    const bento = new BentoCache({
      default: 'tiered',
      prefix: `${prefix}bento`,
      stores: {
        tiered: bentostore()
          .useL1Layer(memoryDriver({ maxItems: 10_000 }))
          .useL2Layer(redisDriver({ connection: bentoClient })),
        l2: bentostore().useL2Layer(redisDriver({ connection: bentoClient })),
      },
    });
    const bentoL2 = bento.use('l2');
    const keyvRedis = new KeyvRedis(redisUrl);
    const manager = createCacheManager({
      stores: [new Keyv(), new Keyv({ store: keyvRedis, namespace: `${prefix}cm` })],
    });
    try {
      await l1Hits(bench, ours, bento, manager);
      await redisHits(bench, oursL2, bentoL2, rawClient);
      await tieredSets(bench, ours, bento);
      await concurrentMisses(bench, ours, bento, manager);
    } finally {
      await ours.close();
      await oursL2.close();
      await bento.disconnect().catch(() => {});
      await manager.disconnect().catch(() => {});
      await removeKeys(rawClient, `${prefix}*`);
      await Promise.all([oursClient, bentoClient, rawClient].map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});

type Ours = ReturnType<typeof createCache>;
type Bento = BentoCache<Record<string, ReturnType<typeof bentostore>>>;
type Manager = ReturnType<typeof createCacheManager>;

async function l1Hits(bench: Bench, ours: Ours, bento: Bento, manager: Manager): Promise<void> {
  await ours.getOrSet('hot', () => record);
  await bento.getOrSet({ key: 'hot', factory: () => record, ttl: '1h' });
  await manager.wrap('hot', async () => record, 3_600_000);
  const oursHit = () => ours.getOrSet('hot', () => record);
  await bench.against('bentocache').compare('L1-hit getOrSet', {
    ours: oursHit,
    peer: () => bento.getOrSet({ key: 'hot', factory: () => record, ttl: '1h' }),
  });
  await bench.against('cache-manager (wrap)').compare('L1-hit getOrSet', {
    ours: oursHit,
    peer: () => manager.wrap('hot', async () => record, 3_600_000),
  });
}

async function redisHits(bench: Bench, ours: Ours, bentoL2: ReturnType<Bento['use']>, raw: Redis): Promise<void> {
  const rawKey = `${prefix}raw`;
  await raw.set(rawKey, JSON.stringify(record));
  await ours.set('warm', record);
  await bentoL2.set({ key: 'warm', value: record, ttl: '1h' });
  await bench.against('ioredis GET + JSON.parse').compareInterleavedLatency('Redis-hit get', {
    ours: () => ours.get('warm'),
    peer: async () => JSON.parse((await raw.get(rawKey)) as string) as unknown,
  });
  await bench.against('bentocache (L2 only)').compareInterleavedLatency('Redis-hit get', {
    ours: () => ours.get('warm'),
    peer: () => bentoL2.get({ key: 'warm' }),
  });
}

async function tieredSets(bench: Bench, ours: Ours, bento: Bento): Promise<void> {
  let o = 0;
  let p = 0;
  await bench.against('bentocache').compare(
    'tiered set, memory + Redis',
    {
      ours: () => ours.set(`set${o++ % 1000}`, record),
      peer: () => bento.set({ key: `set${p++ % 1000}`, value: record, ttl: '1h' }),
    },
    { concurrency: 16 },
  );
}

async function concurrentMisses(bench: Bench, ours: Ours, bento: Bento, manager: Manager): Promise<void> {
  const rounds = 5;
  const run = async (miss: (key: string, factory: () => Promise<unknown>) => Promise<unknown>, side: string) => {
    let calls = 0;
    const latencies: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const key = `miss:${side}:${round}`;
      const factory = () => {
        calls++;
        return slow(record);
      };
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 1000 }, async () => {
          await miss(key, factory);
          latencies.push(performance.now() - started);
        }),
      );
    }
    return { calls: calls / rounds, p99: summarize(latencies).p99 };
  };
  const oursRun = await run((key, factory) => ours.getOrSet(key, factory), 'ours');
  const bentoRun = await run((key, factory) => bento.getOrSet({ key, factory, ttl: '1h' }), 'bento');
  const managerRun = await run((key, factory) => manager.wrap(key, factory, 3_600_000), 'cm');
  const note = `1,000 concurrent misses, ${factoryMs} ms factory, mean of ${rounds} rounds`;
  bench.against('bentocache').record('factory calls per 1,000 misses', 'count', oursRun.calls, bentoRun.calls, note);
  bench.against('bentocache').record('p99 waiter latency, 1,000 misses', 'ms (p99)', oursRun.p99, bentoRun.p99, note);
  bench
    .against('cache-manager')
    .record('factory calls per 1,000 misses', 'count', oursRun.calls, managerRun.calls, note);
  bench
    .against('cache-manager')
    .record('p99 waiter latency, 1,000 misses', 'ms (p99)', oursRun.p99, managerRun.p99, note);
}
