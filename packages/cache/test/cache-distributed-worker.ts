/**
 * A separate process for the distributed single-flight test: its own Redis connections, its own
 * cache. Prints "ready", waits for "go" on stdin, fires `concurrency` concurrent getOrSet misses on
 * one key, prints one JSON line with what it saw, and exits.
 *
 *   node cache-distributed-worker.ts <redisUrl> <prefix> <key> <concurrency> <bus: 1|0>
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { createCache } from '../src/index.ts';
import { redisBus, redisStore } from '../src/redis/index.ts';

const [url = '', prefix = '', key = '', concurrency = '100', useBus = '1'] = process.argv.slice(2);
const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
const subscriber = new Redis(url, { lazyConnect: true });
await Promise.all([client.connect(), subscriber.connect()]);

const cache = createCache({
  l2: redisStore({ client, prefix }),
  ...(useBus === '1' ? { bus: redisBus({ publisher: client, subscriber }) } : {}),
  distributed: { leaseTtl: '10s' },
  ttl: '1m',
});
await cache.ready();
process.stdout.write('ready\n');

const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;

let factoryFinishedAt = 0;
const latencies: number[] = [];
const values = await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    const value = await cache.getOrSet(key, async () => {
      // Counted in Redis, so the test sees calls from every process.
      await client.incr(`${prefix}factory-calls`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      factoryFinishedAt = Date.now();
      return `made by ${process.pid}`;
    });
    latencies.push(Date.now());
    return value;
  }),
);
const stats = cache.stats();
process.stdout.write(
  `${JSON.stringify({ pid: process.pid, values: [...new Set(values)], doneAt: latencies, factoryFinishedAt, leaseWaits: stats.leaseWaits })}\n`,
);
await cache.close();
await Promise.all([client.quit(), subscriber.quit()]);
