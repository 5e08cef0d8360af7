/**
 * The L2 guard with a scripted L2 (a fake, since the point is to control exactly when it fails);
 * the same behaviour against a real, killed Redis is in outage.integration.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createCache, type L2Read, type L2Store, type L2Write } from '../src/index.ts';
import { fakeClock } from './cache-helpers.ts';

function scriptedL2(): L2Store & { mode: 'up' | 'down' | 'hang'; calls: string[]; records: Map<string, L2Read> } {
  const records = new Map<string, L2Read>();
  const calls: string[] = [];
  const store = {
    kind: 'scripted',
    mode: 'up' as 'up' | 'down' | 'hang',
    calls,
    records,
    async getMany(keys: readonly string[]) {
      await gate('getMany');
      return keys.map((k) => records.get(k));
    },
    async setMany(writes: readonly L2Write[]) {
      await gate('setMany');
      for (const w of writes) records.set(w.key, { ...w.record, expiredByTag: false });
    },
    async delete(keys: readonly string[]) {
      await gate(`delete:${keys.join(',')}`);
      return keys.filter((k) => records.delete(k)).length;
    },
    async bump(counters: readonly string[]) {
      await gate(`bump:${counters.join(',')}`);
    },
    async acquireLease() {
      await gate('acquireLease');
      return true;
    },
    async releaseLease() {
      await gate('releaseLease');
    },
  };
  async function gate(call: string): Promise<void> {
    calls.push(call);
    if (store.mode === 'down') throw new Error('ECONNREFUSED');
    if (store.mode === 'hang') await new Promise(() => {});
  }
  return store;
}

describe('L2 guard', () => {
  it('times out a hanging L2 call and falls back to the factory', async () => {
    const l2 = scriptedL2();
    l2.mode = 'hang';
    const clock = fakeClock();
    const cache = createCache({ l2, clock, timeouts: { l2: 20 } });
    const value = cache.getOrSet('k', () => 'computed');
    await clock.advanceAsync(20);
    expect(await value).toBe('computed');
    // The caller got its value without waiting for the L2 write; close() waits for it to time out.
    expect(cache.stats().l2).toMatchObject({ timeouts: 1 });
    const closed = cache.close();
    await clock.advanceAsync(20);
    await closed;
    expect(cache.stats().l2).toMatchObject({ timeouts: 2, errors: 2 });
  });

  it('opens the circuit after `threshold` failures, skips L2 while open, probes after openFor, and replays invalidations', async () => {
    const clock = fakeClock();
    const l2 = scriptedL2();
    const cache = createCache({ l2, clock, circuitBreaker: { threshold: 2, openFor: '5s' } });
    const events: string[] = [];
    cache.on('degraded', () => events.push('degraded'));
    cache.on('recovered', () => events.push('recovered'));

    l2.mode = 'down';
    await cache.get('a');
    await cache.get('b');
    expect(events).toEqual(['degraded']);
    l2.calls.length = 0;
    await cache.delete('gone');
    await cache.deleteByTag(['t']);
    expect(l2.calls).toEqual([]); // refused at once while open
    expect(cache.stats()).toMatchObject({ degraded: true, l2: { circuit: 'open', pendingInvalidations: 2 } });

    l2.mode = 'up';
    clock.advance(4999);
    await cache.get('c'); // a read waits for the backlog: the replay is the probe, then the read
    expect(l2.calls).toEqual([]);
    clock.advance(1);
    await cache.get('c');
    expect(events).toEqual(['degraded', 'recovered']);
    expect(l2.calls).toEqual(['delete:gone', 'bump:t:|t', 'getMany']);
    expect(cache.stats()).toMatchObject({ degraded: false, l2: { circuit: 'closed', pendingInvalidations: 0 } });
    await cache.close();
  });

  it('a failed probe keeps the circuit open for another openFor', async () => {
    const clock = fakeClock();
    const l2 = scriptedL2();
    const cache = createCache({ l2, clock, circuitBreaker: { threshold: 1, openFor: 1000 } });
    l2.mode = 'down';
    await cache.get('a');
    clock.advance(1000);
    await cache.get('probe');
    expect(cache.stats().l2?.circuit).toBe('open');
    l2.calls.length = 0;
    await cache.get('skipped');
    expect(l2.calls).toEqual([]);
    await cache.close();
  });

  it('a write L2 missed is replayed as a delete, so L2 cannot serve the value it replaced', async () => {
    const clock = fakeClock();
    const l2 = scriptedL2();
    const cache = createCache({ l2, clock, circuitBreaker: { threshold: 1, openFor: 1000 } });
    await cache.set('k', 'v1');
    l2.mode = 'down';
    await cache.set('k', 'v2');
    expect(await cache.get('k')).toBe('v2'); // from L1
    expect(cache.stats().l2?.writeFailures).toBe(1);
    l2.mode = 'up';
    clock.advance(1000);
    await cache.get('other');
    expect(l2.records.has('k')).toBe(false);
    await cache.close();
  });

  it('collapses a backlog of more than 1,000 missed invalidations into one full invalidation', async () => {
    const clock = fakeClock();
    const l2 = scriptedL2();
    const cache = createCache({ l2, clock, circuitBreaker: { threshold: 1, openFor: 1000 } });
    l2.mode = 'down';
    for (let i = 0; i < 1001; i++) await cache.delete(`k${i}`);
    expect(cache.stats().l2?.pendingInvalidations).toBe(1);
    l2.mode = 'up';
    l2.calls.length = 0;
    clock.advance(999);
    await cache.get('probe');
    expect(l2.calls).toEqual([]);
    clock.advance(1);
    await cache.get('probe');
    expect(l2.calls).toEqual(['bump:n:', 'getMany']);
    await cache.close();
  });
});
