/** The second-factor conformance suite on the memory store (one store: one process has one memory). */
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { memoryTwoFactorStore } from '../src/index.ts';
import { twoFactorStoreConformance } from './totp-store-conformance.ts';

const store = memoryTwoFactorStore();
twoFactorStoreConformance('memory', () => [store]);

describe('memoryTwoFactorStore', () => {
  it('forgets a step after its ttl, on its clock', async () => {
    const clock = createTestClock();
    const own = memoryTwoFactorStore({ clock });
    await own.claimTotpStep('u', 10, 90_000);
    clock.advance(90_000);
    expect(await own.claimTotpStep('u', 9, 90_000)).toBe(true);
  });
});
