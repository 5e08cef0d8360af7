/**
 * A separate process for the distributed single-flight test: its own Redis connections, its own
 * cache. Prints "ready", waits for "go" on stdin, fires `concurrency` concurrent getOrSet misses on
 * one key, prints one JSON line with what it saw, and exits. Events on stdout, for the test to order them:
 * "waiting" once this process waits on the lease another one holds, "factory" when its factory runs;
 * the factory then holds the lease until the test sends "release" (once every other process is waiting).
 *
 *   node cache-distributed-worker.ts <redisUrl> <prefix> <key> <concurrency> <bus: 1|0>
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { createCache } from '../src/index.ts';
import { redisBus, redisStore } from '../src/redis/index.ts';
import { acquireScript } from '../src/redis/lease.lua.ts';

const [url = '', prefix = '', key = '', concurrency = '100', useBus = '1'] = process.argv.slice(2);
const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
const subscriber = new Redis(url, { lazyConnect: true });
await Promise.all([client.connect(), subscriber.connect()]);

// What this process sends says when it waits on another's lease: the lease script answers "held", then
// the L2 read that follows finds no value yet, and the cache starts waiting.
let held = false;
let waiting = false;
type Send = (...args: (string | number)[]) => Promise<unknown>;
const observed = Object.assign(Object.create(client) as Redis, {
  evalsha(...args: (string | number)[]) {
    const reply = (client.evalsha as Send).apply(client, args);
    if (args[0] === acquireScript.sha1) {
      void reply.then((taken) => {
        if (Number(taken) === 0) held = true;
      });
    }
    return reply;
  },
  call(...args: (string | number)[]) {
    const reply = (client.call as Send).apply(client, args);
    if (args[0] === 'MGET' && held && !waiting) {
      void reply.then(() => {
        if (waiting) return;
        waiting = true;
        process.stdout.write('waiting\n');
      });
    }
    return reply;
  },
});

const cache = createCache({
  l2: redisStore({ client: observed, prefix }),
  ...(useBus === '1' ? { bus: redisBus({ publisher: client, subscriber }) } : {}),
  distributed: { leaseTtl: '10s' },
  ttl: '1m',
});
await cache.ready();

let go: () => void = () => {};
let release: () => void = () => {};
const started = new Promise<void>((resolve) => {
  go = resolve;
});
const released = new Promise<void>((resolve) => {
  release = resolve;
});
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'go') go();
  else if (line.trim() === 'release') release();
});
process.stdout.write('ready\n');
await started;

let factoryFinishedAt = 0;
const latencies: number[] = [];
const values = await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    const value = await cache.getOrSet(key, async () => {
      // Counted in Redis, so the test sees calls from every process.
      await client.incr(`${prefix}factory-calls`);
      process.stdout.write('factory\n');
      await released;
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
lines.close();
await cache.close();
await Promise.all([client.quit(), subscriber.quit()]);
