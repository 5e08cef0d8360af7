/**
 * @infra/cache against BentoCache on the same 3-master Redis Cluster (an ioredis `Cluster` client per
 * library; REDIS_CLUSTER_URLS, else 127.0.0.1:7001-7003, which `scripts/services.sh` starts), same record.
 *
 * - Tiered set (memory + Redis), concurrency 16: ours writes each entry with a plain SET on its own slot, its
 *   counter versions read first (one MGET for the writes of a tick); BentoCache writes a plain SET.
 * - Redis-hit get, L2 only, p50/p99 alternating call by call: ours reads the entry's slot and the counters'
 *   slot at once (two MGETs in parallel); BentoCache one GET.
 */
import { createCache } from '@infra/cache';
import { redisStore } from '@infra/cache/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { Cluster } from 'ioredis';
import { defineScenario } from '../src/scenario.ts';

const prefix = `bench:ccache:${process.pid}:`;
const record = {
  id: 42,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  roles: ['admin', 'editor'],
  createdAt: '2026-11-22T10:00:00.000Z',
  settings: { theme: 'dark', locale: 'en-GB', notifications: { email: true, sms: false } },
};

/** The cluster's seeds, as the testkit finds them. */
const seeds = (process.env.REDIS_CLUSTER_URLS ?? 'redis://127.0.0.1:7001,redis://127.0.0.1:7002,redis://127.0.0.1:7003')
  .split(',')
  .map((url) => new URL(url.trim()))
  .map((url) => ({ host: url.hostname, port: Number(url.port || 6379) }));

async function connect(): Promise<Cluster> {
  const client = new Cluster(seeds, { lazyConnect: true });
  await client.connect();
  return client;
}

/** Deletes this run's keys on every master (one UNLINK per key: keys of one master sit in many slots). */
async function removeKeys(client: Cluster, pattern: string): Promise<void> {
  await Promise.all(
    client.nodes('master').map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length > 0) await node.pipeline(keys.map((key) => ['unlink', key])).exec();
        cursor = next;
      } while (cursor !== '0');
    }),
  );
}

export default defineScenario({
  name: 'cluster-cache',
  ours: '@infra/cache',
  peer: 'bentocache',
  description: 'two-tier cache on a 3-master Redis Cluster: tiered set, Redis-hit get',
  async run(bench) {
    const [oursClient, bentoClient] = await Promise.all([connect(), connect()]);
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
    try {
      let o = 0;
      let p = 0;
      await bench.compare(
        'tiered set, memory + Redis Cluster',
        {
          ours: () => ours.set(`set${o++ % 1000}`, record),
          peer: () => bento.set({ key: `set${p++ % 1000}`, value: record, ttl: '1h' }),
        },
        { concurrency: 16 },
      );
      await oursL2.set('warm', record);
      await bentoL2.set({ key: 'warm', value: record, ttl: '1h' });
      await bench.compareInterleavedLatency('Redis-hit get, L2 only, on the cluster', {
        ours: () => oursL2.get('warm'),
        peer: () => bentoL2.get({ key: 'warm' }),
      });
    } finally {
      await ours.close();
      await oursL2.close();
      await bento.disconnect().catch(() => {});
      await removeKeys(oursClient, `${prefix}*`);
      await Promise.all([oursClient, bentoClient].map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
