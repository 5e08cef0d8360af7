/**
 * The coordinator conformance suite on the real 3-master Redis Cluster (three Cluster clients), and the keys
 * of many jobs spread over every master (each job's keys share one hash tag, never the whole store).
 */
import { redisCluster } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { redisCoordinator } from '../src/redis/index.ts';
import { coordinatorConformance } from './conformance.ts';

const c = await redisCluster({ tag: 'scheduler_cluster' });
const clients = await Promise.all([c.connect(), c.connect(), c.connect()]);

coordinatorConformance('redis cluster', () => ({
  coordinators: clients.map((client) => redisCoordinator({ client, prefix: c.prefix })),
}));

describe('redisCoordinator on a cluster', () => {
  it("spreads jobs over every master, each job's keys on one", async () => {
    const coordinator = redisCoordinator({ client: c.client, prefix: c.prefix });
    const jobs = Array.from({ length: 30 }, (_, i) => `spread-${i}`);
    for (const job of jobs) {
      await coordinator.register(job, {});
      await coordinator.claim({
        job,
        slotId: '1',
        slot: 1,
        manual: false,
        runId: `r-${job}`,
        owner: 'a',
        lease: 60_000,
        overlap: 'skip',
      });
    }
    const perMaster = await c.keysPerMaster(`${c.prefix}{spread-*`);
    const counts = Object.values(perMaster);
    expect(counts).toHaveLength(3);
    for (const count of counts) expect(count).toBeGreaterThan(0);
    const masters = new Set(
      [`${c.prefix}{spread-7}:job`, `${c.prefix}{spread-7}:run:1`, `${c.prefix}{spread-7}:live`].map(c.masterOf),
    );
    expect(masters.size).toBe(1);
  });
});
