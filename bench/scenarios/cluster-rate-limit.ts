/**
 * `consume` throughput on the same 3-master Redis Cluster (REDIS_CLUSTER_URLS, else 127.0.0.1:7001-7003):
 * @infra/cache's Redis rate limiter vs rate-limiter-flexible's `RateLimiterRedis` (not its `RateLimiterCluster`,
 * which is for Node's cluster module), each on its own ioredis `Cluster` client with the client's defaults.
 * A fixed window with a limit every call passes; keys rotate over 1000 subjects, spread over the masters.
 * On a `Cluster` ours sends one script call per check (no batching: a script may only touch one slot).
 */
import { createRateLimiter } from '@infra/cache';
import { redisRateLimitStore } from '@infra/cache/redis';
import { Cluster } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { defineScenario } from '../src/scenario.ts';

const prefix = `bench:crl:${process.pid}:`;
const subjects = 1000;

const seeds = (process.env.REDIS_CLUSTER_URLS ?? 'redis://127.0.0.1:7001,redis://127.0.0.1:7002,redis://127.0.0.1:7003')
  .split(',')
  .map((url) => new URL(url.trim()))
  .map((url) => ({ host: url.hostname, port: Number(url.port || 6379) }));

async function connect(): Promise<Cluster> {
  const client = new Cluster(seeds, { lazyConnect: true });
  await client.connect();
  return client;
}

export default defineScenario({
  name: 'cluster-rate-limit',
  ours: '@infra/cache',
  peer: 'rate-limiter-flexible',
  description: 'Redis rate limiter consume() ops/s on a 3-master Redis Cluster, concurrency 64',
  async run(bench) {
    const [oursClient, peerClient] = await Promise.all([connect(), connect()]);
    try {
      const limiter = createRateLimiter({
        store: redisRateLimitStore({ client: oursClient }),
        limits: { algorithm: 'fixed-window', limit: 100_000_000, window: '1h' },
        prefix: `${prefix}ours:`,
      });
      const peer = new RateLimiterRedis({
        storeClient: peerClient,
        keyPrefix: `${prefix}peer`,
        points: 100_000_000,
        duration: 3600,
      });
      let i = 0;
      const nextKey = () => `user-${i++ % subjects}`;
      await bench.compare(
        'consume, fixed window, Redis Cluster (c=64)',
        { ours: () => limiter.consume(nextKey()), peer: () => peer.consume(nextKey()) },
        { concurrency: 64, rounds: 7 },
      );
    } finally {
      await Promise.all(
        oursClient.nodes('master').map(async (node) => {
          let cursor = '0';
          do {
            const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
            if (keys.length > 0) await node.pipeline(keys.map((key) => ['unlink', key])).exec();
            cursor = next;
          } while (cursor !== '0');
        }),
      );
      await Promise.all([oursClient, peerClient].map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
