/**
 * Cache behaviour around its bus, with an in-process bus whose delivery the test controls; the same
 * over real Redis pub/sub is in bus.integration.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BusHandlers, type BusMessage, type Cache, type CacheBus, createCache } from '../src/index.ts';
import { eventually } from './cache-helpers.ts';

function localBus(): { bus: CacheBus; down: boolean; resync(): void } {
  const handlers = new Set<BusHandlers>();
  const state = {
    down: false,
    resync: () => {
      for (const h of handlers) h.resync();
    },
    bus: {
      kind: 'local',
      subscribe(h: BusHandlers) {
        handlers.add(h);
        return {
          ready: Promise.resolve(),
          stop: async () => {
            handlers.delete(h);
          },
        };
      },
      async publish(message: BusMessage) {
        if (state.down) throw new Error('bus unreachable');
        for (const h of handlers) h.message(message);
      },
    },
  };
  return state;
}

const open: Cache[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
function pair(bus: CacheBus): [Cache, Cache] {
  const a = createCache({ bus });
  const b = createCache({ bus });
  open.push(a, b);
  return [a, b];
}

describe('cache bus', () => {
  it('sends again the invalidations it could not publish, once the bus works', async () => {
    const local = localBus();
    const [a, b] = pair(local.bus);
    await b.set('k', 'old');
    local.down = true;
    await a.delete('k');
    await a.deleteByTag(['t']);
    await eventually(() => a.stats().bus?.errors === 2);
    expect(await b.get('k')).toBe('old'); // not told yet
    local.down = false;
    await a.set('other', 1); // a publish that works flushes the backlog
    await eventually(async () => (await b.get('k')) === undefined);
    expect(b.stats().bus?.received).toBe(3);
  });

  it('collapses a backlog of more than 1,000 unsent messages into one that drops every L1 entry', async () => {
    const local = localBus();
    const [a, b] = pair(local.bus);
    await b.set('k', 'old');
    await b.namespace('deep').set('k', 'old');
    local.down = true;
    for (let i = 0; i < 1001; i++) await a.delete(`x${i}`);
    await eventually(() => a.stats().bus?.errors === 1001);
    local.down = false;
    const before = b.stats().bus?.received ?? 0;
    await a.set('other', 1);
    await eventually(() => (b.stats().bus?.received ?? 0) === before + 2);
    expect(await b.get('k')).toBeUndefined();
    expect(await b.namespace('deep').get('k')).toBeUndefined();
  });

  it('drops the L1 when the bus reports lost messages', async () => {
    const local = localBus();
    const [, b] = pair(local.bus);
    await b.set('k', 1);
    local.resync();
    expect(await b.get('k')).toBeUndefined();
    expect(b.stats().bus?.resyncs).toBe(1);
  });

  it('refuses a bus without an L1 (it would have nothing to invalidate)', () => {
    const l2 = {
      kind: 'x',
      getMany: async () => [],
      setMany: async () => {},
      delete: async () => 0,
      bump: async () => {},
      acquireLease: async () => true,
      releaseLease: async () => {},
    };
    expect(() => createCache({ l1: false, l2, bus: localBus().bus })).toThrow(/"bus"/);
  });
});
