import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import {
  CacheError,
  createLock,
  createLocker,
  type Lock,
  type LockHandle,
  type LockStore,
  memoryLockStore,
} from '../src/index.ts';

import { lockStoreConformance } from './lock-conformance.ts';

const T0 = 1_700_006_400_000;

lockStoreConformance('memory', () => memoryLockStore());

function manualClock(start = T0) {
  return createTestClock(start);
}

describe('createLocker over the memory store', () => {
  it('hands out random tokens and fencing tokens that grow with every acquisition', async () => {
    const locks = createLocker({ ttl: 1000 });
    const first = await locks.tryAcquire('job');
    expect(first).not.toBeNull();
    expect(first?.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await locks.tryAcquire('job')).toBeNull();
    expect(await first?.release()).toBe(true);
    const second = await locks.tryAcquire('job');
    expect(second?.token).not.toBe(first?.token);
    expect(second?.fencingToken).toBeGreaterThan(first?.fencingToken ?? Number.POSITIVE_INFINITY);
  });

  it("a lease expires by itself; the stale holder can neither release nor extend the new holder's lease", async () => {
    const clock = manualClock();
    const locks = createLocker({ clock, ttl: 1000 });
    const stale = (await locks.tryAcquire('job')) as Lock;
    expect(stale.expiresAt).toBe(T0 + 1000);
    clock.set(T0 + 999);
    expect(await locks.tryAcquire('job')).toBeNull();
    clock.set(T0 + 1000);
    const fresh = (await locks.tryAcquire('job')) as Lock;
    expect(fresh).not.toBeNull();
    expect(await stale.release()).toBe(false);
    await expect(stale.extend()).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
    expect(await locks.tryAcquire('job')).toBeNull();
    expect(await fresh.release()).toBe(true);
  });

  it('extend moves the end of the lease to ttl from now', async () => {
    const clock = manualClock();
    const locks = createLocker({ clock, ttl: 1000 });
    const lease = (await locks.tryAcquire('job')) as Lock;
    clock.set(T0 + 600);
    await lease.extend();
    expect(lease.expiresAt).toBe(T0 + 1600);
    clock.set(T0 + 1500);
    expect(await locks.tryAcquire('job')).toBeNull();
    await lease.extend('5s');
    expect(lease.expiresAt).toBe(T0 + 6500);
  });

  it('acquire retries, then fails with ERR_CACHE_LOCK_NOT_ACQUIRED (409)', async () => {
    const clock = manualClock();
    const locks = createLocker({ clock, ttl: 60_000 });
    await locks.acquire('job');
    const pending = locks.acquire('job', { retry: { attempts: 3, delay: 100, jitter: 0 } }).catch((e) => e);
    await clock.advanceAsync(200);
    const error = await pending;
    expect(error).toBeInstanceOf(CacheError);
    expect(error).toMatchObject({ code: 'ERR_CACHE_LOCK_NOT_ACQUIRED', status: 409 });
    expect(error.message).toContain('3 tries');
  });

  it('acquire gets the lock once the holder releases it', async () => {
    const clock = manualClock();
    const locks = createLocker({ clock, ttl: 60_000 });
    const holder = await locks.acquire('job');
    let next: Lock | undefined;
    const waiting = locks.acquire('job', { retry: { attempts: 100, delay: 5, jitter: 0 } }).then((lock) => {
      next = lock;
    });
    await clock.advanceAsync(20);
    expect(next).toBeUndefined();
    await holder.release();
    await clock.advanceAsync(5);
    await waiting;
    expect(next?.fencingToken).toBe(holder.fencingToken + 1);
  });

  it('waits between tries on the injected clock, never on real timers', async () => {
    const clock = manualClock();
    const locks = createLocker({ clock, ttl: '1d' });
    await locks.acquire('job');
    const outcome = locks.acquire('job', { retry: { attempts: 2, delay: '1h', jitter: 0 } }).catch((e) => e);
    await clock.advanceAsync(3_600_000);
    expect(await outcome).toMatchObject({ code: 'ERR_CACHE_LOCK_NOT_ACQUIRED' });
  });

  it("acquire stops waiting when its signal aborts, with the signal's reason", async () => {
    const locks = createLocker({ clock: manualClock(), ttl: 60_000 });
    await locks.acquire('job');
    const reason = new Error('request cancelled');
    const waiting = locks.acquire('job', {
      signal: new AbortController().signal,
      retry: { attempts: 1000, delay: 10 },
    });
    const controller = new AbortController();
    const aborted = locks.acquire('job', { signal: controller.signal, retry: { attempts: 1000, delay: 10 } });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    await locks.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CACHE_CLOSED' });
  });

  it('await using releases at the end of the block', async () => {
    const locks = createLocker();
    {
      await using lease = await locks.acquire('job');
      expect(lease.key).toBe('job');
      expect(await locks.tryAcquire('job')).toBeNull();
    }
    expect(await locks.tryAcquire('job')).not.toBeNull();
  });

  it('await using a locker closes it: later calls reject with ERR_CACHE_CLOSED', async () => {
    let escaped: ReturnType<typeof createLocker> | undefined;
    {
      await using locker = createLocker();
      escaped = locker;
    }
    await expect(escaped.tryAcquire('job')).rejects.toMatchObject({ code: 'ERR_CACHE_CLOSED' });
    await escaped.close();
  });

  it('keeps the old names as aliases: createLock is createLocker, LockHandle is Lock', async () => {
    expect(createLock).toBe(createLocker);
    const lock: LockHandle | null = await createLock().tryAcquire('job');
    expect(lock?.key).toBe('job');
  });

  it.each([
    [{ ttl: 0 }, 'ttl'],
    [{ ttl: 'soon' }, 'ttl'],
    [{ retry: { attempts: 0 } }, 'retry.attempts'],
    [{ retry: { delay: -5 } }, 'retry.delay'],
    [{ maxExtensions: -1 }, 'maxExtensions'],
    [{ store: {} }, 'store'],
  ])('rejects %j naming %s', (options, option) => {
    const create = () => createLocker(options as unknown as Parameters<typeof createLock>[0]);
    expect(create).toThrow(CacheError);
    expect(create).toThrow(`"${option}"`);
  });

  it('sweeps leases nobody released as the map grows', async () => {
    const clock = manualClock();
    const store = memoryLockStore();
    const locks = createLocker({ clock, store, ttl: 1000 });
    for (let i = 0; i < 1023; i++) await locks.tryAcquire(`abandoned-${i}`);
    expect(store.size).toBe(1023);
    clock.set(T0 + 1000);
    await locks.tryAcquire('fresh');
    expect(store.size).toBe(1);
  });

  it('publishes acquire, release and lost on infra:cache:lock', async () => {
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    subscribe('infra:cache:lock', listener);
    try {
      const clock = manualClock();
      const locks = createLocker({ clock, ttl: 1000 });
      const lease = (await locks.tryAcquire('job')) as Lock;
      await lease.release();
      await expect(lease.extend()).rejects.toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
    } finally {
      unsubscribe('infra:cache:lock', listener);
    }
    expect(seen).toMatchObject([
      { event: 'acquire', key: 'job' },
      { event: 'release', key: 'job', released: true },
      { event: 'lost', key: 'job' },
    ]);
  });

  it('rejects an empty key', async () => {
    await expect(createLocker().tryAcquire('')).rejects.toMatchObject({ code: 'ERR_CACHE_INVALID_KEY' });
  });
});

describe('withLock', () => {
  let clock = manualClock();
  beforeEach(() => {
    clock = manualClock();
  });

  function deferred<T>() {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  it('extends the lease from now every ttl / 2 while the work runs, then releases', async () => {
    const locks = createLocker({ clock, ttl: 1000 });
    const work = deferred<string>();
    let lease: Lock | undefined;
    const running = locks.withLock('job', (_signal, held) => {
      lease = held;
      return work.promise;
    });
    await clock.advanceAsync(0);
    expect(lease?.expiresAt).toBe(T0 + 1000);
    await clock.advanceAsync(500);
    expect(lease?.expiresAt).toBe(T0 + 1500);
    await clock.advanceAsync(2500);
    expect(lease?.expiresAt).toBe(T0 + 4000);
    expect(await locks.tryAcquire('job')).toBeNull();
    work.resolve('done');
    await expect(running).resolves.toBe('done');
    expect(await locks.tryAcquire('job')).not.toBeNull();
  });

  it('stops after maxExtensions: the lease runs out, the signal aborts and withLock rejects', async () => {
    const locks = createLocker({ clock, ttl: 1000 });
    const work = deferred<string>();
    let signal: AbortSignal | undefined;
    const running = locks.withLock(
      'job',
      (s) => {
        signal = s;
        return work.promise;
      },
      { maxExtensions: 2 },
    );
    const outcome = running.catch((error: unknown) => error);
    await clock.advanceAsync(1999);
    expect(signal?.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
    expect(await locks.tryAcquire('job')).not.toBeNull();
    // The work ignored its signal and finished anyway: the caller must still hear that the lease was lost.
    work.resolve('too late');
    expect(await outcome).toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
  });

  it('aborts at once when an extension finds the lease taken over', async () => {
    const inner = memoryLockStore();
    const store: LockStore = { ...inner, extend: async () => false };
    const locks = createLocker({ clock, store, ttl: 1000 });
    const work = deferred<void>();
    let signal: AbortSignal | undefined;
    const outcome = locks
      .withLock('job', (s) => {
        signal = s;
        return work.promise;
      })
      .catch((error: unknown) => error);
    await clock.advanceAsync(500);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason.message).toContain('expired or been taken over');
    work.resolve();
    expect(await outcome).toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
  });

  it('rides out a store hiccup: a failed extension is retried before the lease ends', async () => {
    const inner = memoryLockStore();
    let failures = 1;
    const store: LockStore = {
      ...inner,
      extend: async (...args) => {
        if (failures-- > 0) throw new Error('connection reset');
        return inner.extend(...args);
      },
    };
    const locks = createLocker({ clock, store, ttl: 1000 });
    const work = deferred<string>();
    let signal: AbortSignal | undefined;
    const running = locks.withLock('job', (s) => {
      signal = s;
      return work.promise;
    });
    await clock.advanceAsync(3000);
    expect(signal?.aborted).toBe(false);
    work.resolve('ok');
    await expect(running).resolves.toBe('ok');
  });

  it('a store that stops answering: the lease is given up at its end, and a late answer changes nothing', async () => {
    const inner = memoryLockStore();
    let answer: ((ok: boolean) => void) | undefined;
    const store: LockStore = {
      ...inner,
      extend: () =>
        new Promise<boolean>((resolve) => {
          answer = resolve;
        }),
    };
    const locks = createLocker({ clock, store, ttl: 1000 });
    const work = deferred<void>();
    let signal: AbortSignal | undefined;
    const outcome = locks
      .withLock('job', (s) => {
        signal = s;
        return work.promise;
      })
      .catch((error: unknown) => error);
    await clock.advanceAsync(999);
    expect(signal?.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(signal?.reason.message).toContain('expired before it could be extended');
    answer?.(true);
    await clock.advanceAsync(0);
    expect(clock.pending()).toBe(0);
    work.resolve();
    expect(await outcome).toMatchObject({ code: 'ERR_CACHE_LOCK_LOST' });
  });

  it("releases when the work throws, and rejects with the work's error", async () => {
    const locks = createLocker({ clock, ttl: 1000 });
    const failure = new Error('work failed');
    await expect(
      locks.withLock('job', () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await locks.tryAcquire('job')).not.toBeNull();
  });

  it('close() aborts the signal of running work', async () => {
    const locks = createLocker({ clock, ttl: 1000 });
    const work = deferred<void>();
    let signal: AbortSignal | undefined;
    const outcome = locks
      .withLock('job', (s) => {
        signal = s;
        return work.promise;
      })
      .catch((error: unknown) => error);
    await clock.advanceAsync(0);
    await locks.close();
    expect(signal?.reason).toMatchObject({ code: 'ERR_CACHE_CLOSED' });
    work.resolve();
    expect(await outcome).toBeUndefined();
  });
});
