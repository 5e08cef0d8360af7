/** The second-factor conformance suite on a real Redis, with four clients as four app instances. */
import { redis } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { redisTwoFactorStore } from '../src/totp/redis-store.ts';
import { twoFactorStoreConformance } from './totp-store-conformance.ts';

const r = await redis({ tag: 'auth_2fa' });
const clients = [r.client, ...(await Promise.all([r.connect(), r.connect(), r.connect()]))];
const stores = clients.map((client) => redisTwoFactorStore({ client, prefix: r.key('2fa:') }));

twoFactorStoreConformance('redis', () => stores);

describe('redisTwoFactorStore', () => {
  it('keeps a claimed step under the prefix with the ttl it was given', async () => {
    await stores[0]?.claimTotpStep('ttl-user', 7, 90_000);
    const ttl = await r.client.pttl(r.key('2fa:totp:ttl-user'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(90_000);
  });

  it('runs its scripts again after SCRIPT FLUSH (NOSCRIPT → EVAL)', async () => {
    await r.client.script('FLUSH');
    expect(await stores[1]?.claimTotpStep('flush-user', 1, 90_000)).toBe(true);
  });

  it('answers ERR_AUTH_STORE_UNAVAILABLE (503) when Redis fails', async () => {
    const broken = redisTwoFactorStore({
      client: {
        evalsha: () => Promise.reject(new Error('connection lost')),
        eval: () => Promise.reject(new Error('connection lost')),
        call: () => Promise.reject(new Error('connection lost')),
      },
    });
    await expect(broken.claimTotpStep('u', 1, 1000)).rejects.toMatchObject({
      code: 'ERR_AUTH_STORE_UNAVAILABLE',
      status: 503,
    });
  });
});
