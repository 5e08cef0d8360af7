import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { redisBus, redisStore } from '@infra/cache/redis';
import { redis } from '@infra/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, type CacheOptions, createCache } from '../src/index.ts';
import { eventually } from './cache-helpers.ts';

const r = await redis({ tag: 'cbus' });
let channelCount = 0;
const open: Cache[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

/** Two instances on one channel, as two app processes would be; `l2: false` keeps them memory-only. */
async function pair(withL2: boolean, extra: CacheOptions = {}): Promise<[Cache, Cache]> {
  const channel = r.key(`bus${channelCount++}`);
  const prefix = r.key(`c${channelCount}:`);
  const make = async (): Promise<Cache> => {
    const subscriber = await r.connect();
    const cache = createCache({
      ...extra,
      ...(withL2 ? { l2: redisStore({ client: r.client, prefix }) } : {}),
      bus: redisBus({ publisher: r.client, subscriber, channel }),
    });
    open.push(cache);
    await cache.ready();
    return cache;
  };
  return [await make(), await make()];
}

/** Waits until each instance has applied every message the other published. */
async function quiet(a: Cache, b: Cache): Promise<void> {
  await eventually(
    () => a.stats().bus?.received === b.stats().bus?.published && b.stats().bus?.received === a.stats().bus?.published,
  );
}

/**
 * Runs `action` and resolves once the other instance has applied the message it sent. Call it when the
 * bus is quiet, so the first message applied is the one `action` sent. (How long that takes is a
 * benchmark's question, not a test's.)
 */
async function applied(action: () => Promise<unknown>): Promise<void> {
  let stop: (() => void) | undefined;
  const done = new Promise<void>((resolve) => {
    const listener = (): void => resolve();
    subscribe('infra:cache:bus', listener);
    stop = () => unsubscribe('infra:cache:bus', listener);
  });
  await action();
  await done;
  stop?.();
}

describe('redisBus', () => {
  it('a set on one instance reaches the L1 of the other', async () => {
    const [a, b] = await pair(true);
    for (let i = 0; i < 5; i++) {
      await b.set('k', i - 1); // b's L1 now holds the previous value
      await quiet(a, b);
      await applied(() => a.set('k', i));
      expect(await b.get('k')).toBe(i);
    }
  });

  it('delete, deleteByTag, expireByTag and clear reach a memory-only second instance', async () => {
    const [a, b] = await pair(false, { grace: '1h' });
    await b.set('d', 1);
    await b.set('t', 2, { tags: ['x'] });
    await b.set('e', 3, { tags: ['y'] });
    const users = b.namespace('users');
    await users.set('u', 4);
    await quiet(a, b);

    await applied(() => a.delete('d'));
    expect(await b.get('d')).toBeUndefined();
    await applied(() => a.deleteByTag(['x']));
    expect(await b.get('t')).toBeUndefined();
    await applied(() => a.expireByTag(['y']));
    expect(await b.get('e')).toBeUndefined();
    expect(await b.getOrSet('e', () => new Promise<number>(() => {}))).toBe(3);
    await applied(() => a.namespace('users').clear());
    expect(await users.get('u')).toBeUndefined();
    expect(b.stats().bus).toMatchObject({ received: 4 });
  });

  it('an instance ignores its own messages', async () => {
    const [a] = await pair(false);
    await a.set('k', 1);
    await a.deleteByTag(['x']);
    await eventually(() => a.stats().bus?.published === 2);
    expect(await a.get('k')).toBe(1);
    expect(a.stats().bus?.received).toBe(0);
  });

  it('drops its L1 after the subscriber reconnects, since messages sent meanwhile are lost', async () => {
    const channel = r.key('bus-reconnect');
    // As apps create it: no offline queue (ioredis must still re-subscribe by itself after reconnecting).
    const subscriber = await r.connect({ enableOfflineQueue: false });
    const id = Number(await subscriber.call('CLIENT', 'ID'));
    const cache = createCache({ bus: redisBus({ publisher: r.client, subscriber, channel }) });
    open.push(cache);
    await cache.ready();
    await cache.set('k', 'kept only in L1');
    await r.client.call('CLIENT', 'KILL', 'ID', String(id));
    await eventually(() => cache.stats().bus?.resyncs === 1, 5000);
    expect(await cache.get('k')).toBeUndefined();
    // Still subscribed after the reconnect.
    const [, other] = [
      cache,
      createCache({ bus: redisBus({ publisher: r.client, subscriber: await r.connect(), channel }) }),
    ];
    open.push(other);
    await other.ready();
    await cache.set('again', 1);
    await other.delete('again');
    await eventually(async () => (await cache.get('again')) === undefined);
  });

  it('rejects bad options naming them', () => {
    const subscriber = r.client.duplicate({ lazyConnect: true });
    expect(() => redisBus({ publisher: r.client, subscriber: r.client })).toThrow(/"subscriber"/);
    expect(() => redisBus({ publisher: {} as typeof r.client, subscriber })).toThrow(/"publisher"/);
    expect(() => redisBus({ publisher: r.client, subscriber, channel: '' })).toThrow(/"channel"/);
    subscriber.disconnect();
  });
});
