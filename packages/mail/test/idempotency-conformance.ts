// One conformance suite for every idempotency store: memory, Redis, Redis Cluster.
import { describe, expect, it } from 'vitest';
import type { IdempotencyStore, StoredResult } from '../src/index.ts';

const result: StoredResult = {
  messageId: '<a@example.com>',
  transport: 'smtp',
  accepted: ['ann@example.com'],
  rejected: [],
};

/**
 * `expire(key, ms)` makes `ms` pass for the record of `key`: the test clock for memory; for Redis, whose expiry runs
 * on the server's clock, the key is dropped as the server would drop it (the Redis tests check the TTLs it sets).
 */
export function idempotencyConformance(
  name: string,
  make: () => IdempotencyStore,
  keyPrefix: string,
  expire: (key: string, ms: number) => Promise<void>,
): void {
  let n = 0;
  const key = () => `${keyPrefix}k${n++}`;

  describe(`idempotency store conformance: ${name}`, () => {
    it('the first begin takes the key; a second sees it pending', async () => {
      const store = make();
      const k = key();
      expect((await store.begin(k, 60_000)).state).toBe('started');
      expect(await store.begin(k, 60_000)).toEqual({ state: 'pending' });
    });

    it('complete stores the result, which a later begin returns', async () => {
      const store = make();
      const k = key();
      const begun = await store.begin(k, 60_000);
      if (begun.state !== 'started') throw new Error('not started');
      await store.complete(k, begun.token, result, 60_000);
      expect(await store.begin(k, 60_000)).toEqual({ state: 'sent', result });
    });

    it('markUnknown makes every later begin answer unknown', async () => {
      const store = make();
      const k = key();
      const begun = await store.begin(k, 60_000);
      if (begun.state !== 'started') throw new Error('not started');
      await store.markUnknown(k, begun.token, 60_000);
      expect(await store.begin(k, 60_000)).toEqual({ state: 'unknown' });
    });

    it('release frees the key for the next begin', async () => {
      const store = make();
      const k = key();
      const begun = await store.begin(k, 60_000);
      if (begun.state !== 'started') throw new Error('not started');
      await store.release(k, begun.token);
      expect((await store.begin(k, 60_000)).state).toBe('started');
    });

    it('a stale token settles nothing: a claim taken over after its lease is not completed by the first holder', async () => {
      const store = make();
      const k = key();
      const first = await store.begin(k, 50);
      await expire(k, 100);
      const second = await store.begin(k, 60_000);
      if (first.state !== 'started' || second.state !== 'started') throw new Error('not started');
      await store.complete(k, first.token, result, 60_000);
      expect(await store.begin(k, 60_000)).toEqual({ state: 'pending' });
    });

    it('of 20 concurrent begins on one key exactly one starts', async () => {
      const store = make();
      const k = key();
      const answers = await Promise.all(Array.from({ length: 20 }, () => store.begin(k, 60_000)));
      expect(answers.filter((a) => a.state === 'started')).toHaveLength(1);
    });

    it('a sent record expires after its ttl', async () => {
      const store = make();
      const k = key();
      const begun = await store.begin(k, 60_000);
      if (begun.state !== 'started') throw new Error('not started');
      await store.complete(k, begun.token, result, 50);
      await expire(k, 100);
      expect((await store.begin(k, 60_000)).state).toBe('started');
    });
  });
}
