/** close() of every factory: idempotent, `await using` calls it, nothing left scheduled, later calls refused. */
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createKeyRing, createSessions, createTokens, memoryStore } from '../src/index.ts';

describe('close', () => {
  it("a stored key ring's reload and rotation timers are gone after close", async () => {
    const clock = createTestClock();
    const ring = createKeyRing({ store: memoryStore(), rotation: '1d', clock });
    await ring.ready();
    expect(clock.pending()).toBe(2);
    await Promise.all([ring.close(), ring.close()]);
    expect(clock.pending()).toBe(0);
    await expect(ring.ready()).rejects.toMatchObject({ code: 'ERR_AUTH_CLOSED' });
  });

  it('await using closes tokens; issuing afterwards is refused', async () => {
    const clock = createTestClock();
    const keys = createKeyRing({ store: memoryStore(), clock });
    let escaped: ReturnType<typeof createTokens> | undefined;
    {
      await using tokens = createTokens({ issuer: 'i', audience: 'a', keys, clock });
      escaped = tokens;
    }
    await expect(escaped.issueAccessToken('u')).rejects.toMatchObject({ code: 'ERR_AUTH_CLOSED' });
  });

  it('a closed session manager refuses to start sessions', async () => {
    const sessions = createSessions();
    await sessions.close();
    await expect(sessions.start('u')).rejects.toMatchObject({ code: 'ERR_AUTH_CLOSED' });
  });
});
