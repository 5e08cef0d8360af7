/** The second-factor conformance suite on the real 3-master Redis Cluster; users' keys spread over every master. */
import { redisCluster } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { redisTwoFactorStore } from '../src/totp/redis-store.ts';
import { twoFactorStoreConformance } from './totp-store-conformance.ts';

const c = await redisCluster({ tag: 'auth_2fa_cluster' });
const clients = [c.client, ...(await Promise.all([c.connect(), c.connect(), c.connect()]))];
const stores = clients.map((client) => redisTwoFactorStore({ client, prefix: c.key('2fa:') }));

twoFactorStoreConformance('redis cluster', () => stores);

describe('redisTwoFactorStore on a 3-master cluster', () => {
  it('spreads users over every master: 90 users, step and code keys on all three', async () => {
    await Promise.all(
      Array.from({ length: 90 }, async (_, i) => {
        await stores[i % stores.length]?.claimTotpStep(`spread-${i}`, 1, 600_000);
        await stores[i % stores.length]?.replaceRecoveryCodes(`spread-${i}`, ['a', 'b']);
      }),
    );
    const steps = await c.keysPerMaster(`${c.key('2fa:totp:spread-')}*`);
    const codes = await c.keysPerMaster(`${c.key('2fa:rc:spread-')}*`);
    expect(Object.values(steps).reduce((a, b) => a + b)).toBe(90);
    expect(Object.values(steps).filter((n) => n > 0)).toHaveLength(3);
    expect(Object.values(codes).filter((n) => n > 0)).toHaveLength(3);
  });
});
