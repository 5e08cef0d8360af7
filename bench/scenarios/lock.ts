/**
 * Lock acquire + release per second: @infra/cache's Redis lock vs @sesamecare-oss/redlock on one Redis
 * node, one ioredis connection each, no contention (every operation locks its own key), at concurrency 1
 * and 16. Ours also takes a fencing token (INCR in the acquire script); redlock has none.
 */
import { createLock } from '@infra/cache';
import { redisLockStore } from '@infra/cache/redis';
import { Redlock } from '@sesamecare-oss/redlock';
import { Redis } from 'ioredis';
import { redisUrl, removeKeys } from '../src/redis.ts';
import { defineScenario } from '../src/scenario.ts';

const prefix = `bench:lock:${process.pid}:`;
// Keys rotate over more slots than callers, so no two concurrent operations want the same key.
const slots = 1024;

export default defineScenario({
  name: 'lock',
  ours: '@infra/cache',
  peer: '@sesamecare-oss/redlock',
  description: 'Redis lock acquire + release ops/s on one node, concurrency 1 and 16',
  async run(bench) {
    const oursClient = new Redis(redisUrl, { lazyConnect: true });
    const peerClient = new Redis(redisUrl, { lazyConnect: true });
    await Promise.all([oursClient.connect(), peerClient.connect()]);
    try {
      const locks = createLock({
        store: redisLockStore({ client: oursClient }),
        prefix: `${prefix}ours:`,
        ttl: 10_000,
      });
      const redlock = new Redlock([peerClient], { retryCount: 0 });
      let o = 0;
      let p = 0;
      const ours = async () => {
        const lease = await locks.acquire(`k${o++ % slots}`);
        await lease.release();
      };
      const peer = async () => {
        const lease = await redlock.acquire([`${prefix}peer:k${p++ % slots}`], 10_000);
        await lease.release();
      };
      // One at a time, a lease is two round trips on both sides: the calls alternate one by one, since whole
      // rounds differ by more than the two sides do (see compareSequential).
      await bench.compareSequential('acquire + release (c=1)', { ours, peer }, 10_000);
      await bench.compare('acquire + release (c=16)', { ours, peer }, { concurrency: 16, rounds: 9 });
      await locks.close();
    } finally {
      await removeKeys(oursClient, `${prefix}*`);
      await Promise.all([oursClient.quit(), peerClient.quit()]);
    }
  },
});
