// The in-process store, the default: one process, nothing shared. Same contract and conformance suite as the
// Redis and PostgreSQL stores; every call is atomic because it runs to completion without awaiting.
import { type Clock, clockOption } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import type {
  AuthStore,
  FamilyRecord,
  KeySet,
  NewFamily,
  NewSession,
  RevocationState,
  RotateRequest,
  RotateResult,
  SessionRecord,
  StoredKey,
} from '../store/contract.ts';
import { purgeSettings } from '../store/purge.ts';

interface TokenEntry {
  familyId: string;
  rotatedAt: number | null;
  sealedNext: string | null;
}

/** What {@link memoryStore} keeps, for `stats()`-style inspection in tests. */
export interface MemoryStore extends AuthStore {
  readonly kind: 'memory';
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The clock `purgeExpired()` judges by when no `now` is given. @default the system clock */
  clock?: Clock;
}

// Expired entries are swept every this many writes, so a long-running process does not grow without bound.
const sweepEvery = 1_000;

/**
 * An in-process store: the default of `createTokens` and `createSessions`. Keys it generates are encrypted
 * under a random in-process KEK unless a `kek` is given.
 *
 * @example const store = memoryStore()
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = clockOption(options.clock, invalidOption);
  const families = new Map<string, FamilyRecord>();
  const tokens = new Map<string, TokenEntry>();
  const familiesByUser = new Map<string, Set<string>>();
  const denied = new Map<string, number>();
  const cutoffs = new Map<string, { notBefore: number; until: number }>();
  const sessions = new Map<string, SessionRecord>();
  const sessionsByUser = new Map<string, Set<string>>();
  let keySet: KeySet = { version: 0, keys: [] };
  let writes = 0;

  const liveFamily = (f: FamilyRecord, now: number) =>
    f.revokedAt === null && now < f.expiresAt && now < f.idleExpiresAt;
  const liveSession = (s: SessionRecord, now: number) => now < s.idleExpiresAt && now < s.expiresAt;
  const copyFamily = (f: FamilyRecord): FamilyRecord => ({ ...f, metadata: { ...f.metadata } });
  const copySession = (s: SessionRecord): SessionRecord => ({
    ...s,
    metadata: { ...s.metadata },
    data: structuredClone(s.data),
  });

  function index(map: Map<string, Set<string>>, userId: string): Set<string> {
    let set = map.get(userId);
    if (set === undefined) {
      set = new Set();
      map.set(userId, set);
    }
    return set;
  }

  function sweep(now: number): void {
    if (++writes % sweepEvery === 0) purge(now, Number.POSITIVE_INFINITY);
  }

  /** Removes up to `limit` expired entries; a family stays until its absolute end (see `purgeExpired`). */
  function purge(now: number, limit: number): number {
    let removed = 0;
    for (const [id, session] of sessions) {
      if (removed >= limit) return removed;
      if (liveSession(session, now)) continue;
      sessions.delete(id);
      sessionsByUser.get(session.userId)?.delete(id);
      removed++;
    }
    for (const [id, family] of families) {
      if (removed >= limit) break;
      if (now < family.expiresAt) continue;
      families.delete(id);
      familiesByUser.get(family.userId)?.delete(id);
      removed++;
    }
    for (const [hash, token] of tokens) if (!families.has(token.familyId)) tokens.delete(hash);
    for (const [key, until] of denied) {
      if (removed >= limit) return removed;
      if (until > now) continue;
      denied.delete(key);
      removed++;
    }
    for (const [key, cutoff] of cutoffs) {
      if (removed >= limit) return removed;
      if (cutoff.until > now) continue;
      cutoffs.delete(key);
      removed++;
    }
    return removed;
  }

  function userFamilies(userId: string, now: number): FamilyRecord[] {
    const ids = familiesByUser.get(userId) ?? new Set<string>();
    return [...ids]
      .map((id) => families.get(id))
      .filter((f): f is FamilyRecord => f !== undefined && liveFamily(f, now))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  function revoke(family: FamilyRecord, reason: string, now: number): void {
    family.revokedAt = now;
    family.revokedReason = reason;
  }

  const store: MemoryStore = {
    kind: 'memory',

    async createFamily(input: NewFamily) {
      const { now } = input;
      sweep(now);
      const expiresAt = now + input.absoluteTtl;
      families.set(input.id, {
        id: input.id,
        userId: input.userId,
        createdAt: now,
        lastUsedAt: now,
        idleExpiresAt: Math.min(now + input.idleTtl, expiresAt),
        expiresAt,
        revokedAt: null,
        revokedReason: null,
        tokens: 1,
        metadata: { ...input.metadata },
      });
      tokens.set(input.tokenHash, { familyId: input.id, rotatedAt: null, sealedNext: null });
      index(familiesByUser, input.userId).add(input.id);
      const live = userFamilies(input.userId, now);
      const evicted = live.slice(0, Math.max(0, live.length - input.maxFamilies));
      for (const family of evicted) revoke(family, 'evicted', now);
      return { evicted: evicted.map((f) => f.id) };
    },

    async rotate(request: RotateRequest): Promise<RotateResult> {
      const { now } = request;
      const token = tokens.get(request.tokenHash);
      const family = families.get(request.familyId);
      if (token === undefined || family === undefined || token.familyId !== family.id) return { outcome: 'unknown' };
      if (family.revokedAt !== null) return { outcome: 'revoked', family: copyFamily(family) };
      if (now >= family.expiresAt || now >= family.idleExpiresAt)
        return { outcome: 'expired', family: copyFamily(family) };
      if (token.rotatedAt === null) {
        token.rotatedAt = now;
        token.sealedNext = request.sealedNext;
        tokens.set(request.nextHash, { familyId: family.id, rotatedAt: null, sealedNext: null });
        family.lastUsedAt = now;
        family.idleExpiresAt = Math.min(now + request.idleTtl, family.expiresAt);
        family.tokens++;
        sweep(now);
        return { outcome: 'rotated', family: copyFamily(family) };
      }
      if (now - token.rotatedAt < request.grace && token.sealedNext !== null) {
        return { outcome: 'grace', family: copyFamily(family), sealedNext: token.sealedNext };
      }
      revoke(family, 'reuse', now);
      return { outcome: 'reused', family: copyFamily(family) };
    },

    async getFamily(familyId) {
      const family = families.get(familyId);
      return family === undefined ? null : copyFamily(family);
    },

    async listFamilies(userId, now) {
      return userFamilies(userId, now).map(copyFamily);
    },

    async revokeFamily(familyId, reason, now, tokenHash) {
      const family = families.get(familyId);
      if (family === undefined || family.revokedAt !== null) return false;
      if (tokenHash !== undefined && tokens.get(tokenHash)?.familyId !== familyId) return false;
      revoke(family, reason, now);
      return true;
    },

    async revokeUserFamilies(userId, reason, now) {
      const live = userFamilies(userId, now);
      for (const family of live) revoke(family, reason, now);
      return live.map((f) => f.id);
    },

    async denyToken(userId, jti, expiresAt, now) {
      sweep(now);
      denied.set(`${userId}\u0000${jti}`, expiresAt);
    },

    async setNotBefore(userId, notBefore, ttl) {
      const existing = cutoffs.get(userId);
      // `notBefore` is in seconds, on the caller's clock: the cutoff is needed for `ttl` after it.
      const until = notBefore * 1000 + ttl;
      cutoffs.set(userId, {
        notBefore: Math.max(notBefore, existing?.notBefore ?? notBefore),
        until: Math.max(until, existing?.until ?? until),
      });
    },

    async revocationState(userId, jti, now): Promise<RevocationState> {
      const until = denied.get(`${userId}\u0000${jti}`);
      return { denied: until !== undefined && until > now, notBefore: cutoffs.get(userId)?.notBefore ?? null };
    },

    async createSession(input: NewSession) {
      const { now } = input;
      sweep(now);
      const expiresAt = now + input.absoluteTimeout;
      const record: SessionRecord = {
        id: input.id,
        userId: input.userId,
        secretHash: input.secretHash,
        createdAt: now,
        lastUsedAt: now,
        idleExpiresAt: Math.min(now + input.idleTimeout, expiresAt),
        expiresAt,
        metadata: { ...input.metadata },
        data: structuredClone(input.data),
      };
      sessions.set(record.id, record);
      index(sessionsByUser, record.userId).add(record.id);
      return copySession(record);
    },

    async readSession(id, now) {
      const session = sessions.get(id);
      return session !== undefined && liveSession(session, now) ? copySession(session) : null;
    },

    async touchSession(id, idleTimeout, now) {
      const session = sessions.get(id);
      if (session === undefined || !liveSession(session, now)) return null;
      session.lastUsedAt = now;
      session.idleExpiresAt = Math.min(now + idleTimeout, session.expiresAt);
      return copySession(session);
    },

    async rotateSession(oldId, next, idleTimeout, now) {
      const old = sessions.get(oldId);
      if (old === undefined || !liveSession(old, now)) return null;
      sessions.delete(oldId);
      sessionsByUser.get(old.userId)?.delete(oldId);
      const record: SessionRecord = {
        ...old,
        id: next.id,
        secretHash: next.secretHash,
        lastUsedAt: now,
        idleExpiresAt: Math.min(now + idleTimeout, old.expiresAt),
      };
      sessions.set(record.id, record);
      index(sessionsByUser, record.userId).add(record.id);
      return copySession(record);
    },

    async deleteSession(id) {
      const session = sessions.get(id);
      if (session === undefined) return false;
      sessions.delete(id);
      sessionsByUser.get(session.userId)?.delete(id);
      return true;
    },

    async listSessions(userId, now) {
      return [...(sessionsByUser.get(userId) ?? [])]
        .map((id) => sessions.get(id))
        .filter((s): s is SessionRecord => s !== undefined && liveSession(s, now))
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
        .map(copySession);
    },

    async deleteUserSessions(userId) {
      const ids = [...(sessionsByUser.get(userId) ?? [])].filter((id) => sessions.has(id));
      for (const id of ids) sessions.delete(id);
      sessionsByUser.delete(userId);
      return ids;
    },

    async readKeySet() {
      return { version: keySet.version, keys: keySet.keys.map((k) => ({ ...k })) };
    },

    async writeKeySet(expected: number, keys: StoredKey[]) {
      if (keySet.version !== expected) return false;
      keySet = { version: expected + 1, keys: keys.map((k) => ({ ...k })) };
      return true;
    },

    async purgeExpired(options) {
      const { limit, now } = purgeSettings(options);
      return purge(now ?? clock.now(), limit);
    },

    async close() {},
  };
  return store;
}
