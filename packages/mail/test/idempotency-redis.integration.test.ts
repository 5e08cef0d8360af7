// The Redis idempotency store on one real Redis node and on the real 3-master cluster: the same conformance suite,
// several clients as several instances, and keys spread over every master.
import { redis, redisCluster } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { createMailer, memoryTransport } from '../src/index.ts';
import { redisIdempotencyStore } from '../src/redis/index.ts';
import { idempotencyConformance } from './idempotency-conformance.ts';

const single = await redis({ tag: 'mail_idem' });
const cluster = await redisCluster({ tag: 'mail_idem_c' });

// Redis expires keys by its own clock, which a test cannot move: expiry is the key dropped, as Redis would drop it;
// the TTLs the store sets are checked below.
idempotencyConformance(
  'redis',
  () => redisIdempotencyStore({ client: single.client }),
  single.prefix,
  async (key) => void (await single.client.del(key)),
);
idempotencyConformance(
  'redis cluster',
  () => redisIdempotencyStore({ client: cluster.client }),
  cluster.prefix,
  async (key) => void (await cluster.client.del(key)),
);

describe('redisIdempotencyStore expiry', () => {
  it('a claim expires after its lease, a delivered record after its ttl (PTTL as set)', async () => {
    const store = redisIdempotencyStore({ client: single.client });
    const key = single.key('ttl');
    const begun = await store.begin(key, 30_000);
    const leaseTtl = await single.client.pttl(key);
    if (begun.state !== 'started') throw new Error('not started');
    await store.complete(key, begun.token, { messageId: 'm', transport: 't', accepted: [], rejected: [] }, 86_400_000);
    const sentTtl = await single.client.pttl(key);
    expect([leaseTtl > 29_000 && leaseTtl <= 30_000, sentTtl > 86_399_000 && sentTtl <= 86_400_000]).toEqual([
      true,
      true,
    ]);
  });
});

describe('redisIdempotencyStore across instances', () => {
  it('8 mailers on 8 cluster connections send one key at once: delivered once, the rest deduplicated or in progress', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => cluster.connect()));
    const transport = memoryTransport();
    const mailers = clients.map((client) =>
      createMailer({ transport, idempotency: { store: redisIdempotencyStore({ client }), prefix: cluster.key('x:') } }),
    );
    const results = await Promise.allSettled(
      mailers.map((mailer) =>
        mailer.send({ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't', idempotencyKey: 'pay-1' }),
      ),
    );
    expect(transport.messages).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled' && !r.value.deduplicated)).toHaveLength(1);
  });

  it('keys of many idempotency keys land on every master', async () => {
    const store = redisIdempotencyStore({ client: cluster.client, prefix: cluster.key('spread:') });
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.begin(`order-${i}`, 60_000)));
    const counts = await cluster.keysPerMaster(`${cluster.key('spread:')}*`);
    expect(Object.values(counts).filter((count) => count > 0)).toHaveLength(3);
  });
});
