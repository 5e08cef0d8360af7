import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createStorage, type ObjectStat, storageChannels, storageCheck } from '../src/index.ts';
import { memoryDriver } from '../src/memory/index.ts';
import { exe } from './support/fixtures.ts';

describe('createStorage options', () => {
  it.each([
    ['driver', { driver: {} }, 'Invalid option "driver"'],
    [
      'signing.secret',
      { driver: memoryDriver(), signing: { secret: 'short', baseUrl: 'http://x/' } },
      'Invalid option "signing.secret"',
    ],
    ['publicUrl', { driver: memoryDriver(), publicUrl: 'not a url' }, 'Invalid option "publicUrl"'],
    ['expiresIn', { driver: memoryDriver(), expiresIn: '5mins' }, 'Invalid option "expiresIn"'],
  ])('refuses a bad %s at construction', (_name, options, message) => {
    expect(() => createStorage(options as never)).toThrow(message);
  });
});

describe('storage', () => {
  it('counts what it did in stats()', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    await storage.put('a.txt', 'abc');
    await (await storage.get('a.txt')).text();
    await storage.put('b.jpg', exe, { rule: 'image' }).catch(() => {});
    await storage.delete('a.txt');
    expect(storage.stats()).toMatchObject({ puts: 1, gets: 1, deletes: 1, bytesWritten: 3, rejected: 1, errors: 0 });
  });

  it('publishes a refused write on infra:storage:rejected', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    subscribe(storageChannels.rejected.name as string, listener);
    try {
      await storage.put('b.jpg', exe, { rule: 'image' }).catch(() => {});
    } finally {
      unsubscribe(storageChannels.rejected.name as string, listener);
    }
    expect(seen).toEqual([{ key: 'b.jpg', code: 'ERR_STORAGE_TYPE_NOT_ALLOWED', rule: 'image' }]);
  });

  it('refuses calls after close, with CLOSED', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    await storage.close();
    await expect(storage.put('a.txt', 'x')).rejects.toMatchObject({ code: 'ERR_STORAGE_CLOSED' });
  });

  it("types put as returning the stored object's stat", () => {
    const storage = createStorage({ driver: memoryDriver() });
    expectTypeOf(storage.put).returns.resolves.toEqualTypeOf<ObjectStat>();
  });
});

describe('storageCheck', () => {
  it('passes with a round-trip time when the store works', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const result = await storageCheck({ storage })(new AbortController().signal);
    expect([result.status, result.observedUnit, await storage.list('health-probe')]).toEqual([
      undefined,
      'ms',
      { items: [], cursor: undefined },
    ]);
  });

  it('throws (fails) when the store cannot write', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    await storage.close();
    await expect(storageCheck({ storage })(new AbortController().signal)).rejects.toMatchObject({
      code: 'ERR_STORAGE_CLOSED',
    });
  });

  it('carries the @infra/health defaults', () => {
    const check = storageCheck({ storage: createStorage({ driver: memoryDriver() }) });
    expect([check.componentType, check.measurement]).toEqual(['datastore', 'responseTime']);
  });
});
