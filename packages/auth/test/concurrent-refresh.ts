/**
 * The two-tabs race at scale, shared by the Redis and PostgreSQL tests: 50 instances, each on its own
 * connection, refresh one token at once. One successor, every caller gets it, the family holds two tokens;
 * after the grace window the same token is reuse and every token of the family is refused afterwards.
 */
import { expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { type AuthStore, createKeyRing, createTokens } from '../src/index.ts';

const kek = { current: 'v1', keys: { v1: 'c'.repeat(43) } };

/** Defines the test; `connect()` gives a store on a new connection each call. */
export function concurrentRefreshTest(name: string, connect: () => Promise<AuthStore>): void {
  it(`${name}: 50 concurrent refreshes from separate connections share one successor; reuse after the window revokes the family`, async () => {
    const clock = createTestClock(Date.UTC(2026, 0, 1));
    const stores = await Promise.all(Array.from({ length: 50 }, connect));
    const instances = stores.map((store) =>
      createTokens({
        issuer: 'https://id.example.test',
        audience: 'api',
        keys: createKeyRing({ store, kek, clock }),
        store,
        clock,
        refresh: { grace: '30s' },
      }),
    );
    const login = await (instances[0] as (typeof instances)[0]).issueTokens('racer');
    const pairs = await Promise.all(instances.map((tokens) => tokens.refresh(login.refreshToken)));
    const successors = new Set(pairs.map((p) => p.refreshToken));
    expect(successors.size).toBe(1);
    expect(successors.has(login.refreshToken)).toBe(false);
    expect((await (stores[0] as AuthStore).getFamily(login.familyId))?.tokens).toBe(2);
    // Every caller's access token is good.
    await Promise.all(pairs.map((p, i) => instances[i]?.verifyAccessToken(p.accessToken)));

    await clock.advanceAsync(30_000);
    await expect(instances[1]?.refresh(login.refreshToken)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_REUSED' });
    const [successor] = successors;
    await expect(instances[2]?.refresh(successor as string)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_REVOKED' });
    await expect(instances[3]?.refresh(login.refreshToken)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_REVOKED' });
    await Promise.all(instances.map((tokens) => tokens.close()));
  });
}
