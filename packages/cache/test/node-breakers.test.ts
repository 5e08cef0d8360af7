/**
 * The rate limiter's and the lock's circuit breaker per store node, on the test clock: a store whose node
 * "a" hangs or fails and whose node "b" answers, as a Redis Cluster with one dead master would.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import {
  cacheChannels,
  createLocker,
  createRateLimiter,
  type LockStore,
  memoryLockStore,
  memoryRateLimitStore,
  type RateLimitStore,
} from '../src/index.ts';
import { fakeClock, flush } from './cache-helpers.ts';

const limits = { algorithm: 'fixed-window', limit: 100, window: '1h' } as const;
const storeTimeout = 500;

/** A memory store whose node "a" (keys starting with `a`) hangs while `down.a` is set. */
function twoNodes(): { store: RateLimitStore; down: { a: boolean }; asked: string[] } {
  const inner = memoryRateLimitStore();
  const down = { a: true };
  const asked: string[] = [];
  const store: RateLimitStore = {
    evaluate(request) {
      asked.push(request.key);
      if (down.a && request.key.startsWith('a')) return new Promise(() => {});
      return inner.evaluate(request);
    },
    reset: (...args) => inner.reset(...args),
    block: (...args) => inner.block(...args),
    nodeOf: (_prefix, key) => (key.startsWith('a') ? '10.0.0.1:7001' : '10.0.0.2:7002'),
  };
  return { store, down, asked };
}

/** Whether `promise` settled without the clock moving. */
async function settledAtOnce<T>(promise: Promise<T>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await flush();
  return settled;
}

describe('rate limiter: a breaker per store node', () => {
  it('after 3 timeouts on a node, calls for its keys answer by onStoreError at once; other nodes are asked as usual', async () => {
    const clock = fakeClock();
    const { store, asked } = twoNodes();
    const limiter = createRateLimiter({ store, limits, storeTimeout, clock, onStoreError: 'deny' });
    for (let i = 0; i < 3; i++) {
      const pending = limiter.consume(`a${i}`);
      await clock.advanceAsync(storeTimeout);
      expect(await pending).toMatchObject({ reason: 'fail-closed' });
    }
    asked.length = 0;
    const skipped = limiter.consume('a9');
    expect(await settledAtOnce(skipped)).toBe(true);
    expect(await skipped).toMatchObject({ allowed: false, reason: 'fail-closed' });
    expect((await skipped).error?.message).toMatch(/unavailable at node 10\.0\.0\.1:7001 \(circuit open\)/);
    expect(await limiter.consume('b1')).toMatchObject({ allowed: true, reason: 'within-limit' });
    expect(asked).toEqual(['b1']);
    expect(limiter.stats()).toMatchObject({ storeErrors: 4, skipped: 1, circuits: { '10.0.0.1:7001': 'open' } });
  });

  it('probes the node after openFor and closes its circuit once it answers, publishing each change', async () => {
    const clock = fakeClock();
    const { store, down } = twoNodes();
    const changes: unknown[] = [];
    const listener = (message: unknown) => changes.push(message);
    subscribe(cacheChannels.circuit.name, listener);
    try {
      const limiter = createRateLimiter({
        store,
        limits,
        storeTimeout,
        clock,
        circuitBreaker: { threshold: 1, openFor: '2s' },
      });
      const first = limiter.consume('a1');
      await clock.advanceAsync(storeTimeout);
      expect(await first).toMatchObject({ reason: 'insurance' });
      down.a = false;
      expect(await limiter.consume('a1')).toMatchObject({ reason: 'insurance' }); // still open
      clock.advance(2000);
      expect(await limiter.consume('a1')).toMatchObject({ reason: 'within-limit' }); // the probe
      expect(limiter.stats().circuits).toEqual({});
      expect(changes).toEqual([
        expect.objectContaining({ component: 'rate-limit', node: '10.0.0.1:7001', state: 'open' }),
        expect.objectContaining({ node: '10.0.0.1:7001', state: 'half-open' }),
        expect.objectContaining({ node: '10.0.0.1:7001', state: 'closed' }),
      ]);
    } finally {
      unsubscribe(cacheChannels.circuit.name, listener);
    }
  });

  it('circuitBreaker: false asks the store on every call', async () => {
    const clock = fakeClock();
    const { store, asked } = twoNodes();
    const limiter = createRateLimiter({ store, limits, storeTimeout, clock, circuitBreaker: false });
    for (let i = 0; i < 5; i++) {
      const pending = limiter.consume('a1');
      await clock.advanceAsync(storeTimeout);
      await pending;
    }
    expect(asked).toHaveLength(5);
    expect(limiter.stats().skipped).toBe(0);
  });

  it('rejects a bad circuitBreaker option at construction', () => {
    expect(() => createRateLimiter({ limits, circuitBreaker: { threshold: 0 } })).toThrow(
      /Invalid option "circuitBreaker.threshold"/,
    );
    expect(() => createRateLimiter({ limits, circuitBreaker: 'on' as never })).toThrow(
      /Invalid option "circuitBreaker"/,
    );
  });
});

describe('locker: a breaker per store node', () => {
  it('after 3 failures on a node, acquires there fail at once without asking the store; other nodes work', async () => {
    const inner = memoryLockStore();
    let askedA = 0;
    const store: LockStore = {
      acquire(prefix, key, ...rest) {
        if (key.startsWith('a')) {
          askedA++;
          return Promise.reject(new Error('Too many Cluster redirections'));
        }
        return inner.acquire(prefix, key, ...rest);
      },
      release: (...args) => inner.release(...args),
      extend: (...args) => inner.extend(...args),
      nodeOf: (_prefix, key) => (key.startsWith('a') ? '10.0.0.1:7001' : '10.0.0.2:7002'),
    };
    const locker = createLocker({ store, clock: fakeClock() });
    for (let i = 0; i < 3; i++) {
      await expect(locker.tryAcquire('a-lock')).rejects.toMatchObject({ code: 'ERR_CACHE_STORE_UNAVAILABLE' });
    }
    const refused = locker.tryAcquire('a-lock');
    await expect(refused).rejects.toMatchObject({
      code: 'ERR_CACHE_STORE_UNAVAILABLE',
      status: 503,
      message: expect.stringMatching(/unavailable at node 10\.0\.0\.1:7001 \(circuit open/),
    });
    expect(askedA).toBe(3);
    const lock = await locker.tryAcquire('b-lock');
    expect(lock?.fencingToken).toBe(1);
    await lock?.release();
  });
});
