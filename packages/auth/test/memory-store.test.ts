import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { memoryStore } from '../src/index.ts';
import { authStoreConformance } from './conformance.ts';

const store = memoryStore();
authStoreConformance('memoryStore', () => store);

describe('memoryStore purgeExpired', () => {
  it("judges by the store's clock when no now is given", async () => {
    const clock = createTestClock();
    const own = memoryStore({ clock });
    const base = { userId: 'u', secretHash: 'h', metadata: {}, data: {}, idleTimeout: 1_000, absoluteTimeout: 1_000 };
    await own.createSession({ ...base, id: 'a', now: clock.now() });
    clock.advance(1_000);
    expect(await own.purgeExpired()).toBe(1);
  });
});
