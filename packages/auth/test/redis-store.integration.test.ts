/** The Redis store on a real single Redis node: the conformance suite at client time, then server time. */
import { redis } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { redisStore } from '../src/redis/index.ts';
import { concurrentRefreshTest } from './concurrent-refresh.ts';
import { authStoreConformance } from './conformance.ts';
import { keysWithoutTtl } from './support/redis-ttl.ts';

const r = await redis({ tag: 'auth_redis' });
const store = redisStore({ client: r.client, prefix: r.key('auth:'), time: 'client' });

// The key set is the one key without a TTL: the signing keys must outlive every token they signed.
authStoreConformance('redisStore', () => store, {
  keysWithoutTtl: () => keysWithoutTtl([r.client], r.key('auth:'), [r.key('auth:keys')]),
});

describe('redisStore at server time', () => {
  const serverStore = redisStore({ client: r.client, prefix: r.key('server:') });

  it("decides lifetimes by Redis' clock, not the caller's: a caller far in the future still rotates", async () => {
    await serverStore.createFamily({
      id: 'fam-server',
      userId: 'u',
      tokenHash: 'h0',
      metadata: {},
      idleTtl: 60_000,
      absoluteTtl: 120_000,
      maxFamilies: 5,
      now: 0,
    });
    const result = await serverStore.rotate({
      familyId: 'fam-server',
      tokenHash: 'h0',
      nextHash: 'h1',
      sealedNext: 's',
      grace: 0,
      idleTtl: 60_000,
      now: Date.UTC(2100, 0, 1),
    });
    expect(result.outcome).toBe('rotated');
  });

  it("stamps records with Redis' clock", async () => {
    const [seconds] = (await r.client.time()) as [number, number];
    const session = await serverStore.createSession({
      id: 'sess-server',
      userId: 'u',
      secretHash: 'x',
      metadata: {},
      data: {},
      idleTimeout: 60_000,
      absoluteTimeout: 120_000,
      now: 0,
    });
    expect(Math.abs(session.createdAt - Number(seconds) * 1000)).toBeLessThan(5_000);
  });

  it('one rotation is one round trip (one EVALSHA)', async () => {
    await serverStore.createFamily({
      id: 'fam-rt',
      userId: 'u',
      tokenHash: 'a0',
      metadata: {},
      idleTtl: 60_000,
      absoluteTtl: 120_000,
      maxFamilies: 5,
      now: 0,
    });
    const sent: string[] = [];
    const counting = {
      call: (command: string, ...args: (string | number)[]) => {
        sent.push(command);
        return r.client.call(command, ...args);
      },
      evalsha: (...args: Parameters<typeof r.client.evalsha>) => {
        sent.push('EVALSHA');
        return r.client.evalsha(...args);
      },
      eval: (...args: Parameters<typeof r.client.eval>) => {
        sent.push('EVAL');
        return r.client.eval(...args);
      },
    };
    const counted = redisStore({ client: counting, prefix: r.key('server:') });
    await counted.rotate({
      familyId: 'fam-rt',
      tokenHash: 'a0',
      nextHash: 'a1',
      sealedNext: 's',
      grace: 0,
      idleTtl: 60_000,
      now: 0,
    });
    sent.length = 0;
    await counted.rotate({
      familyId: 'fam-rt',
      tokenHash: 'a1',
      nextHash: 'a2',
      sealedNext: 's',
      grace: 0,
      idleTtl: 60_000,
      now: 0,
    });
    expect(sent).toEqual(['EVALSHA']);
  });
});

concurrentRefreshTest('redisStore', async () =>
  redisStore({ client: await r.connect(), prefix: r.key('race:'), time: 'client' }),
);
