/**
 * The one conformance suite of the `AuthStore` contract, run against every store (memory, Redis single node,
 * Redis Cluster, PostgreSQL) at client time, on a clock the suite moves. Each test decides one outcome.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthStore, NewFamily, NewSession } from '../src/index.ts';

const id = () => randomBytes(16).toString('base64url');
const start = Date.UTC(2026, 0, 1);

/** How a store removes expired state, when it is not by `purgeExpired` itself. */
export interface ConformanceOptions {
  /**
   * For a store whose state expires by TTL (Redis): the keys it has written that carry none. The suite then
   * checks that this is empty after exercising every write, instead of checking what `purgeExpired` removed.
   */
  keysWithoutTtl?: () => Promise<string[]>;
}

/** Defines the suite for `store` (already migrated/connected; each test uses fresh ids). */
export function authStoreConformance(name: string, getStore: () => AuthStore, options: ConformanceOptions = {}): void {
  let now = start;
  const advance = (ms: number) => {
    now += ms;
  };

  function family(overrides: Partial<NewFamily> = {}): NewFamily {
    return {
      id: id(),
      userId: `user-${id()}`,
      tokenHash: id(),
      metadata: { device: 'laptop', ip: '192.0.2.1', userAgent: 'test' },
      idleTtl: 3_600_000,
      absoluteTtl: 86_400_000,
      maxFamilies: 5,
      now,
      ...overrides,
    };
  }
  const rotation = (f: NewFamily, tokenHash: string, grace = 30_000) => ({
    familyId: f.id,
    tokenHash,
    nextHash: id(),
    sealedNext: `sealed-${id()}`,
    grace,
    idleTtl: f.idleTtl,
    now,
  });

  describe(`${name}: refresh families`, () => {
    it('a first rotation wins, installs the successor and counts two tokens', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      const result = await store.rotate(rotation(f, f.tokenHash));
      expect(result.outcome).toBe('rotated');
      expect(result.outcome === 'rotated' && result.family).toMatchObject({
        id: f.id,
        userId: f.userId,
        tokens: 2,
        lastUsedAt: now,
      });
    });

    it('the successor rotates in turn', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      const first = rotation(f, f.tokenHash);
      await store.rotate(first);
      advance(1_000);
      expect((await store.rotate(rotation(f, first.nextHash))).outcome).toBe('rotated');
    });

    it('an unknown token is unknown', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      expect((await store.rotate(rotation(f, id()))).outcome).toBe('unknown');
    });

    it("a token presented with another family's id is unknown", async () => {
      const store = getStore();
      const a = family();
      const b = family();
      await store.createFamily(a);
      await store.createFamily(b);
      expect((await store.rotate({ ...rotation(b, a.tokenHash) })).outcome).toBe('unknown');
    });

    it('the rotated token within the grace window yields the same sealed successor', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      const first = rotation(f, f.tokenHash);
      await store.rotate(first);
      advance(29_000);
      const again = await store.rotate(rotation(f, f.tokenHash));
      expect(again).toMatchObject({ outcome: 'grace', sealedNext: first.sealedNext });
    });

    it('the rotated token after the grace window is reuse and revokes the family', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      await store.rotate(rotation(f, f.tokenHash));
      advance(30_000);
      expect((await store.rotate(rotation(f, f.tokenHash))).outcome).toBe('reused');
      expect(await store.getFamily(f.id)).toMatchObject({ revokedReason: 'reuse', revokedAt: now });
    });

    it('after reuse, the successor is refused as revoked', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      const first = rotation(f, f.tokenHash);
      await store.rotate(first);
      advance(60_000);
      await store.rotate(rotation(f, f.tokenHash));
      expect((await store.rotate(rotation(f, first.nextHash))).outcome).toBe('revoked');
    });

    it('with grace 0 a second use is reuse at once', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      await store.rotate(rotation(f, f.tokenHash, 0));
      expect((await store.rotate(rotation(f, f.tokenHash, 0))).outcome).toBe('reused');
    });

    it('a family unused for its idle lifetime has expired', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      advance(3_600_000);
      expect((await store.rotate(rotation(f, f.tokenHash))).outcome).toBe('expired');
    });

    it('each use slides the idle lifetime', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      advance(3_000_000);
      const first = rotation(f, f.tokenHash);
      await store.rotate(first);
      advance(3_000_000);
      expect((await store.rotate(rotation(f, first.nextHash))).outcome).toBe('rotated');
    });

    it('the absolute lifetime ends the family however often it is used', async () => {
      const store = getStore();
      const f = family({ idleTtl: 3_600_000, absoluteTtl: 7_200_000 });
      await store.createFamily(f);
      let hash = f.tokenHash;
      for (let i = 0; i < 4; i++) {
        advance(1_800_000);
        const r = rotation(f, hash);
        const result = await store.rotate(r);
        if (i < 3) expect(result.outcome).toBe('rotated');
        else expect(result.outcome).toBe('expired');
        hash = r.nextHash;
      }
    });

    it('a login beyond maxFamilies revokes the oldest families (evicted)', async () => {
      const store = getStore();
      const userId = `user-${id()}`;
      const first = family({ userId, maxFamilies: 2 });
      await store.createFamily(first);
      advance(1);
      await store.createFamily(family({ userId, maxFamilies: 2 }));
      advance(1);
      const { evicted } = await store.createFamily(family({ userId, maxFamilies: 2 }));
      expect(evicted).toEqual([first.id]);
      expect(await store.getFamily(first.id)).toMatchObject({ revokedReason: 'evicted' });
    });

    it('listFamilies gives the live families, oldest first, with their metadata', async () => {
      const store = getStore();
      const userId = `user-${id()}`;
      const a = family({ userId });
      const b = family({ userId });
      const c = family({ userId });
      await store.createFamily(a);
      advance(1);
      await store.createFamily({ ...b, now });
      advance(1);
      await store.createFamily({ ...c, now });
      await store.revokeFamily(b.id, 'logout', now);
      const listed = await store.listFamilies(userId, now);
      expect(listed.map((f) => f.id)).toEqual([a.id, c.id]);
      expect(listed[0]?.metadata).toEqual(a.metadata);
    });

    it('revokeFamily with a token of another family does nothing', async () => {
      const store = getStore();
      const a = family();
      const b = family();
      await store.createFamily(a);
      await store.createFamily(b);
      expect(await store.revokeFamily(a.id, 'logout', now, b.tokenHash)).toBe(false);
      expect((await store.getFamily(a.id))?.revokedAt).toBeNull();
    });

    it('revokeFamily with its own token revokes it once', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      expect(await store.revokeFamily(f.id, 'logout', now, f.tokenHash)).toBe(true);
      expect(await store.revokeFamily(f.id, 'logout', now, f.tokenHash)).toBe(false);
    });

    it('revokeUserFamilies revokes every live family of the user and no other', async () => {
      const store = getStore();
      const userId = `user-${id()}`;
      const a = family({ userId });
      const b = family({ userId });
      const other = family();
      await Promise.all([store.createFamily(a), store.createFamily(b), store.createFamily(other)]);
      expect((await store.revokeUserFamilies(userId, 'user', now)).sort()).toEqual([a.id, b.id].sort());
      expect(await store.listFamilies(userId, now)).toEqual([]);
      expect((await store.rotate(rotation(other, other.tokenHash))).outcome).toBe('rotated');
    });

    it('50 concurrent rotations of one token: one wins, 49 get its successor, the family has two tokens', async () => {
      const store = getStore();
      const f = family();
      await store.createFamily(f);
      const results = await Promise.all(Array.from({ length: 50 }, () => store.rotate(rotation(f, f.tokenHash))));
      const winners = results.filter((r) => r.outcome === 'rotated');
      expect(winners).toHaveLength(1);
      const sealed = new Set(results.map((r) => (r.outcome === 'grace' ? r.sealedNext : undefined)).filter(Boolean));
      expect(sealed.size).toBe(1);
      expect((await store.getFamily(f.id))?.tokens).toBe(2);
    });
  });

  describe(`${name}: revocation`, () => {
    it('a denied jti is denied until its expiry, then forgotten', async () => {
      const store = getStore();
      const userId = `user-${id()}`;
      await store.denyToken(userId, 'j1', now + 60_000, now);
      expect(await store.revocationState(userId, 'j1', now)).toEqual({ denied: true, notBefore: null });
      expect((await store.revocationState(userId, 'j1', now + 60_000)).denied).toBe(false);
    });

    it("a user's other jti is not denied", async () => {
      const store = getStore();
      const userId = `user-${id()}`;
      await store.denyToken(userId, 'j1', now + 60_000, now);
      expect((await store.revocationState(userId, 'j2', now)).denied).toBe(false);
    });

    it('the cutoff is read with the jti and never moves backwards', async () => {
      const store = getStore();
      const userId = `user-${id()}`;
      await store.setNotBefore(userId, 2_000_000_000, 3_600_000);
      await store.setNotBefore(userId, 1_000_000_000, 3_600_000);
      expect(await store.revocationState(userId, 'j', now)).toEqual({ denied: false, notBefore: 2_000_000_000 });
    });
  });

  describe(`${name}: sessions`, () => {
    function session(overrides: Partial<NewSession> = {}): NewSession {
      return {
        id: id(),
        userId: `user-${id()}`,
        secretHash: id(),
        metadata: { ip: '192.0.2.7' },
        data: { role: 'admin', n: 1 },
        idleTimeout: 1_800_000,
        absoluteTimeout: 43_200_000,
        now,
        ...overrides,
      };
    }

    it('a created session reads back whole', async () => {
      const store = getStore();
      const s = session();
      await store.createSession(s);
      expect(await store.readSession(s.id, now)).toMatchObject({
        id: s.id,
        userId: s.userId,
        secretHash: s.secretHash,
        createdAt: now,
        idleExpiresAt: now + 1_800_000,
        expiresAt: now + 43_200_000,
        metadata: s.metadata,
        data: s.data,
      });
    });

    it('an unused session is gone after its idle timeout', async () => {
      const store = getStore();
      const s = session();
      await store.createSession(s);
      expect(await store.readSession(s.id, now + 1_800_000)).toBeNull();
    });

    it('touching slides the idle timeout', async () => {
      const store = getStore();
      const s = session();
      await store.createSession(s);
      await store.touchSession(s.id, 1_800_000, now + 1_000_000);
      expect(await store.readSession(s.id, now + 2_000_000)).not.toBeNull();
    });

    it('touching never passes the absolute timeout', async () => {
      const store = getStore();
      const s = session({ absoluteTimeout: 2_000_000 });
      await store.createSession(s);
      const touched = await store.touchSession(s.id, 1_800_000, now + 1_000_000);
      expect(touched?.idleExpiresAt).toBe(now + 2_000_000);
    });

    it('rotating removes the old id at once and keeps user, data and absolute end', async () => {
      const store = getStore();
      const s = session();
      await store.createSession(s);
      const next = { id: id(), secretHash: id() };
      const rotated = await store.rotateSession(s.id, next, 1_800_000, now + 1_000);
      expect(rotated).toMatchObject({ id: next.id, userId: s.userId, data: s.data, expiresAt: now + 43_200_000 });
      expect(await store.readSession(s.id, now + 1_000)).toBeNull();
    });

    it('rotating a session that is gone gives null', async () => {
      const store = getStore();
      expect(await store.rotateSession(id(), { id: id(), secretHash: id() }, 1_000, now)).toBeNull();
    });

    it('list gives the live sessions oldest first; deleteUserSessions ends them all', async () => {
      const store = getStore();
      const userId = `user-${id()}`;
      const a = session({ userId });
      const b = session({ userId, now: now + 1 });
      await store.createSession(a);
      await store.createSession(b);
      expect((await store.listSessions(userId, now + 2)).map((s) => s.id)).toEqual([a.id, b.id]);
      expect((await store.deleteUserSessions(userId)).sort()).toEqual([a.id, b.id].sort());
      expect(await store.readSession(a.id, now + 2)).toBeNull();
    });

    it('deleteSession removes one session and says whether it existed', async () => {
      const store = getStore();
      const s = session();
      await store.createSession(s);
      expect(await store.deleteSession(s.id)).toBe(true);
      expect(await store.deleteSession(s.id)).toBe(false);
    });
  });

  describe(`${name}: purgeExpired`, () => {
    const session = (overrides: Partial<NewSession> = {}): NewSession => ({
      id: id(),
      userId: `user-${id()}`,
      secretHash: id(),
      metadata: {},
      data: {},
      idleTimeout: 1_000,
      absoluteTimeout: 2_000,
      now,
      ...overrides,
    });
    const { keysWithoutTtl } = options;

    it('refuses a limit that is not a positive whole number', async () => {
      await expect(getStore().purgeExpired({ limit: 0 })).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_OPTION' });
    });

    if (keysWithoutTtl !== undefined) {
      it('purges nothing itself: every key the store writes carries a TTL', async () => {
        const store = getStore();
        const userId = `user-${id()}`;
        const f = family({ userId });
        await store.createFamily(f);
        const first = rotation(f, f.tokenHash);
        await store.rotate(first);
        await store.createFamily(family({ userId }));
        await store.revokeFamily(f.id, 'logout', now);
        await store.revokeUserFamilies(userId, 'user', now);
        await store.listFamilies(userId, now);
        await store.denyToken(userId, 'j', now + 60_000, now);
        await store.setNotBefore(userId, Math.floor(now / 1000), 60_000);
        await store.setNotBefore(userId, Math.floor(now / 1000) + 1, 1_000);
        const s = session({ userId, idleTimeout: 60_000, absoluteTimeout: 120_000 });
        await store.createSession(s);
        await store.touchSession(s.id, 60_000, now + 1);
        await store.rotateSession(s.id, { id: id(), secretHash: id() }, 60_000, now + 2);
        await store.createSession(session({ userId }));
        await store.listSessions(userId, now);
        expect(await store.purgeExpired({ now: now + 86_400_000 })).toBe(0);
        expect(await keysWithoutTtl()).toEqual([]);
      });
      return;
    }

    it('removes sessions past either timeout and keeps live ones', async () => {
      const store = getStore();
      const idle = session();
      const ended = session({ idleTimeout: 2_000 });
      const live = session({ idleTimeout: 60_000, absoluteTimeout: 120_000 });
      await Promise.all([store.createSession(idle), store.createSession(ended), store.createSession(live)]);
      advance(2_000);
      expect(await store.purgeExpired({ now })).toBeGreaterThanOrEqual(2);
      // Read at their creation time, when they were live: only a deleted session is missing then.
      expect(await store.readSession(idle.id, idle.now)).toBeNull();
      expect(await store.readSession(ended.id, ended.now)).toBeNull();
      expect(await store.readSession(live.id, now)).not.toBeNull();
    });

    it('removes families past their absolute end and keeps a revoked one until then, still refused', async () => {
      const store = getStore();
      const ended = family({ idleTtl: 1_000, absoluteTtl: 2_000 });
      const revoked = family();
      const live = family();
      await Promise.all([store.createFamily(ended), store.createFamily(revoked), store.createFamily(live)]);
      await store.revokeFamily(revoked.id, 'logout', now);
      advance(2_000);
      await store.purgeExpired({ now });
      expect(await store.getFamily(ended.id)).toBeNull();
      expect((await store.getFamily(live.id))?.revokedAt).toBeNull();
      expect((await store.rotate(rotation(revoked, revoked.tokenHash))).outcome).toBe('revoked');
    });

    it('removes deny-list entries and cutoffs past their keep time and keeps live ones', async () => {
      const store = getStore();
      const [gone, kept] = [`user-${id()}`, `user-${id()}`];
      const then = now;
      await store.denyToken(gone, 'j', now + 1_000, now);
      await store.denyToken(kept, 'j', now + 60_000, now);
      await store.setNotBefore(gone, Math.floor(now / 1000), 1_000);
      await store.setNotBefore(kept, Math.floor(now / 1000), 60_000);
      advance(2_000);
      await store.purgeExpired({ now });
      // Asked at the earlier time, an entry still kept would answer: only a deleted one is missing.
      expect(await store.revocationState(gone, 'j', then)).toEqual({ denied: false, notBefore: null });
      expect(await store.revocationState(kept, 'j', now)).toEqual({ denied: true, notBefore: Math.floor(then / 1000) });
    });

    it('removes at most `limit` entries per call', async () => {
      const store = getStore();
      await Promise.all([store.createSession(session()), store.createSession(session())]);
      advance(2_000);
      expect(await store.purgeExpired({ now, limit: 1 })).toBe(1);
    });
  });

  describe(`${name}: key set`, () => {
    it('writes only over the version it read', async () => {
      const store = getStore();
      const set = await store.readKeySet();
      const key = {
        kid: id(),
        alg: 'EdDSA',
        state: 'active' as const,
        createdAt: now,
        activatedAt: now,
        retiresAt: null,
        publicJwk: '{"kty":"OKP"}',
        encryptedJwk: 'a.b.c.d.e',
      };
      expect(await store.writeKeySet(set.version, [key])).toBe(true);
      expect(await store.writeKeySet(set.version, [])).toBe(false);
      expect(await store.readKeySet()).toEqual({ version: set.version + 1, keys: [key] });
    });
  });
}
