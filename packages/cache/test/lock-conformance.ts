/**
 * The lock store conformance suite: what every `LockStore` must do, run against the memory store in
 * `lock-memory.test.ts` and against Redis in `lock-redis.integration.test.ts`. Expiry is left to each
 * store's own tests: the memory store expires by the `now` it is given, Redis by its own clock.
 */
import { describe, expect, it } from 'vitest';
import type { LockStore } from '../src/index.ts';

const NOW = 1_700_006_400_000;
const TTL = 60_000;

export function lockStoreConformance(name: string, makeStore: () => LockStore, prefix = 'lock:'): void {
  let keys = 0;
  const fresh = () => ({ store: makeStore(), key: `conformance-${++keys}` });

  describe(`LockStore conformance: ${name}`, () => {
    it('acquire gives a positive fencing token, and null while the lease is held', async () => {
      const { store, key } = fresh();
      const fence = await store.acquire(prefix, key, 'one', TTL, NOW);
      expect(fence).toBeGreaterThan(0);
      expect(await store.acquire(prefix, key, 'two', TTL, NOW)).toBeNull();
    });

    it('only the holding token releases; a released key can be taken again', async () => {
      const { store, key } = fresh();
      await store.acquire(prefix, key, 'one', TTL, NOW);
      expect(await store.release(prefix, key, 'two', NOW)).toBe(false);
      expect(await store.acquire(prefix, key, 'two', TTL, NOW)).toBeNull();
      expect(await store.release(prefix, key, 'one', NOW)).toBe(true);
      expect(await store.release(prefix, key, 'one', NOW)).toBe(false);
      expect(await store.acquire(prefix, key, 'two', TTL, NOW)).not.toBeNull();
    });

    it('only the holding token extends', async () => {
      const { store, key } = fresh();
      await store.acquire(prefix, key, 'one', TTL, NOW);
      expect(await store.extend(prefix, key, 'one', TTL, NOW)).toBe(true);
      expect(await store.extend(prefix, key, 'two', TTL, NOW)).toBe(false);
      await store.release(prefix, key, 'one', NOW);
      expect(await store.extend(prefix, key, 'one', TTL, NOW)).toBe(false);
    });

    it('fencing tokens strictly increase with every acquisition of a key', async () => {
      const { store, key } = fresh();
      const fences: number[] = [];
      for (let i = 0; i < 5; i++) {
        fences.push((await store.acquire(prefix, key, `t${i}`, TTL, NOW)) as number);
        await store.release(prefix, key, `t${i}`, NOW);
      }
      for (let i = 1; i < fences.length; i++) expect(fences[i]).toBeGreaterThan(fences[i - 1] as number);
    });

    it('keys and prefixes are independent', async () => {
      const { store, key } = fresh();
      expect(await store.acquire(prefix, key, 'one', TTL, NOW)).not.toBeNull();
      expect(await store.acquire(prefix, `${key}-other`, 'one', TTL, NOW)).not.toBeNull();
      expect(await store.acquire(`${prefix}other:`, key, 'one', TTL, NOW)).not.toBeNull();
    });

    it('concurrent acquisitions of one key: exactly one wins', async () => {
      const { store, key } = fresh();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.acquire(prefix, key, `t${i}`, TTL, NOW)),
      );
      expect(results.filter((fence) => fence !== null)).toHaveLength(1);
    });
  });
}
