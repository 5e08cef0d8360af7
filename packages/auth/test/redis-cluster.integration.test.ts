/**
 * The Redis store on a real 3-master Redis Cluster: the conformance suite (each script touches one family, one
 * user or one session, so one slot), and the store's keys spread over every master.
 */
import { redisCluster } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { createKeyRing, createSessions, createTokens } from '../src/index.ts';
import { redisStore } from '../src/redis/index.ts';
import { concurrentRefreshTest } from './concurrent-refresh.ts';
import { authStoreConformance } from './conformance.ts';
import { keysWithoutTtl } from './support/redis-ttl.ts';

const c = await redisCluster({ tag: 'auth_cluster' });
const store = redisStore({ client: c.client, prefix: c.key('auth:'), time: 'client' });

// The key set is the one key without a TTL: the signing keys must outlive every token they signed.
authStoreConformance('redisStore on a cluster', () => store, {
  keysWithoutTtl: () => keysWithoutTtl(c.client.nodes('master'), c.key('auth:'), [c.key('auth:keys')]),
});

describe('spread', () => {
  it("100 users' families, revocations and sessions land on every master", async () => {
    const kek = { current: 'v1', keys: { v1: 'k'.repeat(43) } };
    // A prefix of its own: the suite above leaves a fake key set under the other.
    const store = redisStore({ client: c.client, prefix: c.key('spread:') });
    const tokens = createTokens({ issuer: 'i', audience: 'a', keys: createKeyRing({ store, kek }), store });
    const sessions = createSessions({ store });
    for (let i = 0; i < 100; i++) {
      const login = await tokens.issueTokens(`spread-${i}`);
      await tokens.refresh(login.refreshToken);
      await tokens.revokeAccessToken(login.accessToken);
      await sessions.start(`spread-${i}`);
    }
    const perMaster = Object.values(await c.keysPerMaster());
    expect(perMaster).toHaveLength(3);
    for (const count of perMaster) expect(count).toBeGreaterThan(50);
  });
});

concurrentRefreshTest('redisStore on a cluster', async () =>
  redisStore({ client: await c.connect(), prefix: c.key('race:'), time: 'client' }),
);
