import { describe, expect, it } from 'vitest';
import { estimateSize, type L1Entry, memoryStore } from '../src/index.ts';

const none = { remove: [], expire: [] };
const entry = (value: unknown, freshUntil = 100, staleUntil = 200): L1Entry => ({
  value,
  createdAt: 0,
  freshUntil,
  staleUntil,
  tags: [],
});

describe('memoryStore', () => {
  it('evicts the least recently used entry past maxItems', () => {
    const store = memoryStore({ maxItems: 2 });
    store.set('a', entry(1), none);
    store.set('b', entry(2), none);
    store.get('a', 0); // a is now more recent than b
    store.set('c', entry(3), none);
    expect(store.get('b', 0)).toBeUndefined();
    expect(store.get('a', 0)?.value).toBe(1);
    expect(store.get('c', 0)?.value).toBe(3);
    expect(store.usage().items).toBe(2);
  });

  it('stays under maxBytes and refuses an entry bigger than the whole budget', () => {
    const store = memoryStore({ maxBytes: 1000, sizeOf: (v) => (v as string).length });
    store.set('a', entry('x'.repeat(400)), none);
    store.set('b', entry('x'.repeat(400)), none);
    store.set('c', entry('x'.repeat(400)), none);
    expect(store.usage().bytes).toBeLessThanOrEqual(1000);
    expect(store.get('a', 0)).toBeUndefined();
    store.set('huge', entry('x'.repeat(2000)), none);
    expect(store.get('huge', 0)).toBeUndefined();
    expect(store.get('c', 0)).toBeDefined();
  });

  it('drops entries past staleUntil and keeps them as stale before', () => {
    const store = memoryStore();
    store.set('k', entry('v', 100, 200), none);
    expect(store.get('k', 150)?.freshUntil).toBe(100);
    expect(store.get('k', 200)).toBeUndefined();
    expect(store.usage().items).toBe(0);
  });

  it('drops entries whose remove counter was bumped, and marks stale on an expire counter', () => {
    const store = memoryStore();
    store.set('r', entry('v'), { remove: ['t:|a'], expire: [] });
    store.set('x', entry('v'), { remove: [], expire: ['x:|a'] });
    store.bump(['t:|a', 'x:|a']);
    expect(store.get('r', 10)).toBeUndefined();
    const stale = store.get('x', 10);
    expect(stale?.freshUntil).toBe(10);
    // Written after the bump: current again.
    store.set('r', entry('w'), { remove: ['t:|a'], expire: [] });
    expect(store.get('r', 10)?.value).toBe('w');
  });

  it('hands out the live value by default and copies with clone: true', () => {
    const live = { n: 1 };
    const plain = memoryStore();
    plain.set('k', entry(live), none);
    expect(plain.get('k', 0)?.value).toBe(live);
    const cloning = memoryStore({ clone: true });
    cloning.set('k', entry(live), none);
    const copy = cloning.get('k', 0)?.value as { n: number };
    expect(copy).toEqual(live);
    expect(copy).not.toBe(live);
    copy.n = 2;
    live.n = 3;
    expect(cloning.get('k', 0)?.value).toEqual({ n: 1 });
  });

  it('delete() and clear() remove', () => {
    const store = memoryStore();
    store.set('a', entry(1), none);
    store.set('b', entry(2), none);
    expect(store.delete('a')).toBe(true);
    expect(store.delete('a')).toBe(false);
    store.clear();
    expect(store.usage()).toEqual({ items: 0, bytes: 0 });
  });

  it('rejects bad options naming them', () => {
    expect(() => memoryStore({ maxItems: 0 })).toThrow(/"maxItems"/);
    expect(() => memoryStore({ maxBytes: 1.5 })).toThrow(/"maxBytes"/);
    expect(() => memoryStore({ sizeOf: 3 as unknown as () => number })).toThrow(/"sizeOf"/);
  });

  it('estimates sizes proportionally', () => {
    expect(estimateSize('x'.repeat(1000))).toBeGreaterThan(estimateSize('x'.repeat(10)));
    expect(estimateSize({ a: new Uint8Array(4096) })).toBeGreaterThan(4096);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(estimateSize(cyclic)).toBeGreaterThan(0);
  });
});
