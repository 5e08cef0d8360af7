// The one store contract of `@infra/auth` part 1: refresh families, revocation, sessions and the key set. Every
// store (memory, Redis, PostgreSQL) implements all of it and runs the one conformance suite
// (test/conformance.ts). Later concerns (throttling, TOTP) add contracts of their own beside this one.
//
// Times are milliseconds since the epoch. Every call that decides by time takes the caller's `now`; a store at
// `time: 'server'` ignores it and reads its own clock (Redis `TIME`, PostgreSQL `clock_timestamp()`), so app
// servers with skewed clocks agree. Durations are passed as durations, never as instants, for the same reason.

/** Request metadata kept with a refresh family or a session: what a "your devices" page lists. */
export interface ClientMetadata {
  device?: string;
  ip?: string;
  userAgent?: string;
}

/** A refresh-token family: one login, and every token rotated from it. */
export interface FamilyRecord {
  id: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  /** When it times out unless used again (`lastUsedAt` + idle lifetime, capped by `expiresAt`). */
  idleExpiresAt: number;
  /** Absolute end of the family, however often it is used. */
  expiresAt: number;
  /** When it was revoked, or `null`. */
  revokedAt: number | null;
  /** Why: `'logout'`, `'reuse'`, `'user'`, `'evicted'`. */
  revokedReason: string | null;
  /** How many tokens the family has had (the first plus one per rotation). */
  tokens: number;
  metadata: ClientMetadata;
}

/** What {@link RefreshStore.createFamily} needs. */
export interface NewFamily {
  id: string;
  userId: string;
  /** Digest of the family's first token. */
  tokenHash: string;
  metadata: ClientMetadata;
  idleTtl: number;
  absoluteTtl: number;
  /** Keep at most this many live families per user; the oldest beyond it are revoked (`'evicted'`). */
  maxFamilies: number;
  now: number;
}

/** What {@link RefreshStore.rotate} needs: the presented token, and the successor to install if it wins. */
export interface RotateRequest {
  familyId: string;
  tokenHash: string;
  nextHash: string;
  /** The successor token sealed under the presented one (handed to concurrent callers within the grace window). */
  sealedNext: string;
  /** How long after a rotation the old token still yields the same successor; 0 turns it off. */
  grace: number;
  idleTtl: number;
  now: number;
}

/**
 * How a rotation went. `rotated`: this call won and its successor is installed. `grace`: the token was rotated
 * less than `grace` ago, here is that successor, sealed. `reused`: rotated longer ago, so the family is now
 * revoked. `revoked`/`expired`: the family was already revoked or timed out. `unknown`: no such token.
 */
export type RotateResult =
  | { outcome: 'rotated'; family: FamilyRecord }
  | { outcome: 'grace'; family: FamilyRecord; sealedNext: string }
  | { outcome: 'reused'; family: FamilyRecord }
  | { outcome: 'revoked'; family: FamilyRecord }
  | { outcome: 'expired'; family: FamilyRecord }
  | { outcome: 'unknown' };

/** Refresh-token families with atomic rotation (RFC 9700 §4.14.2). */
export interface RefreshStore {
  /** Creates a family with its first token; returns the ids of families evicted by `maxFamilies`. */
  createFamily(family: NewFamily): Promise<{ evicted: string[] }>;
  /** Rotates atomically: of concurrent calls with one token, exactly one gets `rotated`. */
  rotate(request: RotateRequest): Promise<RotateResult>;
  /** The family, live or not, or `null` when unknown (or long gone). */
  getFamily(familyId: string): Promise<FamilyRecord | null>;
  /** The user's live families (not revoked, not timed out at `now`), oldest first. */
  listFamilies(userId: string, now: number): Promise<FamilyRecord[]>;
  /**
   * Revokes a family; `false` when it was unknown or already revoked. With `tokenHash`, only when that token
   * belongs to the family (a logout proves it holds one).
   */
  revokeFamily(familyId: string, reason: string, now: number, tokenHash?: string): Promise<boolean>;
  /** Revokes every live family of a user; returns the ids revoked. */
  revokeUserFamilies(userId: string, reason: string, now: number): Promise<string[]>;
}

/** What {@link RevocationStore.revocationState} answers for one access token. */
export interface RevocationState {
  /** The token's `jti` is on the deny-list. */
  denied: boolean;
  /** The user's cutoff: tokens issued at or before it (seconds, the `iat` scale) are revoked; `null` for none. */
  notBefore: number | null;
}

/** The access-token deny-list and per-user cutoffs; one read answers both for a token. */
export interface RevocationStore {
  /** Denies `jti` (of `userId`'s token) until `expiresAt`, when the token would have expired anyway. */
  denyToken(userId: string, jti: string, expiresAt: number, now: number): Promise<void>;
  /** Sets the user's cutoff (`iat` seconds); never moves it backwards. `ttl`: how long it must be kept. */
  setNotBefore(userId: string, notBefore: number, ttl: number): Promise<void>;
  /** Whether `jti` is denied and the user's cutoff, in one round trip. */
  revocationState(userId: string, jti: string, now: number): Promise<RevocationState>;
}

/** A server-side session. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** Digest of the session's secret half. */
  secretHash: string;
  createdAt: number;
  lastUsedAt: number;
  idleExpiresAt: number;
  expiresAt: number;
  metadata: ClientMetadata;
  /** App data kept with the session (JSON). */
  data: Readonly<Record<string, unknown>>;
}

/** What {@link SessionStore.createSession} needs. */
export interface NewSession {
  id: string;
  userId: string;
  secretHash: string;
  metadata: ClientMetadata;
  data: Readonly<Record<string, unknown>>;
  idleTimeout: number;
  absoluteTimeout: number;
  now: number;
}

/** Server-side sessions. */
export interface SessionStore {
  createSession(session: NewSession): Promise<SessionRecord>;
  /** The live session (not past either timeout at `now`), or `null`. */
  readSession(id: string, now: number): Promise<SessionRecord | null>;
  /** Slides the idle timeout of a live session (capped by its absolute one); `null` when it is gone. */
  touchSession(id: string, idleTimeout: number, now: number): Promise<SessionRecord | null>;
  /** Replaces `oldId` by `next` keeping user, metadata, data and absolute end; `null` when `oldId` is gone. */
  rotateSession(
    oldId: string,
    next: { id: string; secretHash: string },
    idleTimeout: number,
    now: number,
  ): Promise<SessionRecord | null>;
  /** Deletes a session; `false` when it was unknown. */
  deleteSession(id: string): Promise<boolean>;
  /** The user's live sessions, oldest first. */
  listSessions(userId: string, now: number): Promise<SessionRecord[]>;
  /** Deletes every session of the user; returns the ids deleted. */
  deleteUserSessions(userId: string): Promise<string[]>;
}

/** A signing key as stored: the public JWK in the clear, the private one encrypted under a KEK. */
export interface StoredKey {
  kid: string;
  alg: string;
  /** `next` (published, not signing yet), `active` (signing), `retired` (verifying only, until `retiresAt`). */
  state: 'next' | 'active' | 'retired';
  createdAt: number;
  /** When it became active, or `null`. */
  activatedAt: number | null;
  /** When a retired key leaves the ring, or `null`. */
  retiresAt: number | null;
  /** The public JWK (JSON); `null` for a symmetric key. */
  publicJwk: string | null;
  /** The private (or secret) JWK as a JWE under the KEK named in its header. */
  encryptedJwk: string;
}

/** The ring's key set, versioned so that two instances rotating at once cannot both win. */
export interface KeySet {
  version: number;
  keys: StoredKey[];
}

/** Where a generated key ring keeps its keys. */
export interface KeyStore {
  /** The current key set (version 0 and no keys when none was written). */
  readKeySet(): Promise<KeySet>;
  /** Writes `keys` as version `expected + 1` only if the stored version is still `expected`. */
  writeKeySet(expected: number, keys: StoredKey[]): Promise<boolean>;
}

/** Options of {@link AuthStore.purgeExpired}. */
export interface PurgeOptions {
  /** Remove at most this many entries in this call (a later call takes the rest). @default Infinity */
  limit?: number;
  /**
   * The caller's time (ms since the epoch). Only a store that decides by the caller's clock reads it (the memory
   * store, `time: 'client'`); a PostgreSQL store at `time: 'server'` judges by the database's clock.
   * @default the store's clock
   */
  now?: number;
}

/** Everything `@infra/auth` part 1 keeps: what `memoryStore()`, `redisStore()` and `postgresStore()` return. */
export interface AuthStore extends RefreshStore, RevocationStore, SessionStore, KeyStore {
  /** For logs and `stats()`: `'memory'`, `'redis'`, `'postgres'`. */
  readonly kind: string;
  /**
   * Removes expired state: sessions past either timeout, refresh families past their absolute end (kept that
   * long, revoked or not, so a replayed token still counts as reuse), deny-list entries and cutoffs past their
   * keep time. Returns how many entries went. Redis keys expire by TTL, so the Redis store returns 0.
   */
  purgeExpired(options?: PurgeOptions): Promise<number>;
  /** Releases what the store itself holds (never the app's client or pool). */
  close(): Promise<void>;
}
