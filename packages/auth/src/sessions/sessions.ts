// Server-side sessions for apps that prefer cookies: an `id.secret` token whose secret is kept only as a
// digest and compared in constant time, idle and absolute timeouts with sliding renewal, and `rotate()` for
// privilege changes (login, 2FA, role change) so a session id fixed before the change is worthless after it.
import {
  type Clock,
  type Closable,
  clockOption,
  closeOnce,
  type Duration,
  type Logger,
  loggerOption,
} from '../../../../internal/src/index.ts';
import { createAudit } from '../audit.ts';
import { check, closedError, invalidOption, sessionError } from '../errors.ts';
import { memoryStore } from '../memory/store.ts';
import { digest, digestsEqual, randomSecret } from '../secret.ts';
import type { ClientMetadata, SessionRecord, SessionStore } from '../store/contract.ts';
import { guardStore } from '../store/guard.ts';

/** Options of {@link createSessions}. */
export interface SessionsOptions {
  /** Where sessions live. @default memoryStore() */
  store?: SessionStore;
  /** A session unused this long ends; each use slides it. @default '30m' */
  idleTimeout?: Duration;
  /** A session ends this long after it started, however much it is used. @default '12h' */
  absoluteTimeout?: Duration;
  /** @default the system clock */
  clock?: Clock;
  /** @default undefined (no logging) */
  logger?: Logger;
}

/** A session as the app sees it (the secret's digest stays inside). */
export type Session = Omit<SessionRecord, 'secretHash'>;

/** Options of {@link Sessions.start}. */
export interface StartSessionOptions {
  metadata?: ClientMetadata;
  /** App data kept with the session (JSON). @default {} */
  data?: Record<string, unknown>;
}

/** A snapshot of a {@link Sessions}. */
export interface SessionsStats {
  started: number;
  validated: number;
  rejected: number;
  rotated: number;
  revoked: number;
}

/** Server-side sessions. */
export interface Sessions extends Closable {
  /** Starts a session; the token goes in the cookie (`sessionCookie(token)`). */
  start(userId: string, options?: StartSessionOptions): Promise<{ token: string; session: Session }>;
  /** The live session of a token, its idle timeout slid; rejects with `ERR_AUTH_SESSION_INVALID` / `_EXPIRED` (401). */
  validate(token: string): Promise<Session>;
  /** A new id and secret for the same session; the old token stops working at once. */
  rotate(token: string): Promise<{ token: string; session: Session }>;
  /** Ends the session of a token (a logout); `false` when it was already gone. */
  revoke(token: string): Promise<boolean>;
  /** Ends a session by id (from `list`), e.g. "sign out that device". */
  revokeById(sessionId: string): Promise<boolean>;
  /** The user's live sessions, oldest first. */
  list(userId: string): Promise<Session[]>;
  /** Ends every session of the user; returns how many. */
  revokeAll(userId: string): Promise<number>;
  stats(): SessionsStats;
}

const idBytes = 16;
const secretBytes = 32;
const tokenPattern = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * Server-side sessions kept in `store`.
 *
 * @example const sessions = createSessions({ store: redisStore({ client }) })
 */
export function createSessions(options: SessionsOptions = {}): Sessions {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  const clock = clockOption(options.clock, invalidOption);
  const audit = createAudit(loggerOption(options.logger, invalidOption), clock);
  const idleTimeout = check.duration(options.idleTimeout, 'idleTimeout', { default: 1_800_000, positive: true });
  const absoluteTimeout = check.duration(options.absoluteTimeout, 'absoluteTimeout', {
    default: 43_200_000,
    positive: true,
  });
  if (idleTimeout > absoluteTimeout) throw invalidOption('idleTimeout', 'must not be longer than absoluteTimeout');
  const ownsStore = options.store === undefined;
  const ownStore = options.store ?? memoryStore();
  const store = guardStore(ownStore);
  const stats: SessionsStats = { started: 0, validated: 0, rejected: 0, rotated: 0, revoked: 0 };
  let closed = false;

  const open = () => {
    if (closed) throw closedError('the session manager');
  };
  const fresh = () => {
    const id = randomSecret(idBytes);
    const secret = randomSecret(secretBytes);
    return { id, token: `${id}.${secret}`, secretHash: digest(secret) };
  };
  const visible = ({ secretHash: _secretHash, ...session }: SessionRecord): Session => session;

  /** The record of a token whose secret matches, else a 401. */
  async function check401(token: unknown): Promise<SessionRecord> {
    const match = typeof token === 'string' ? tokenPattern.exec(token) : null;
    if (match === null) throw sessionError('ERR_AUTH_SESSION_INVALID', 'the session token is malformed');
    const [, id, secret] = match as unknown as [string, string, string];
    const record = await store.readSession(id, clock.now());
    // The digest is compared even when the session is missing, so both paths cost the same.
    const matches = digestsEqual(digest(secret), record?.secretHash ?? digest(''));
    if (record === null || !matches) {
      throw sessionError('ERR_AUTH_SESSION_INVALID', 'the session is unknown, ended or timed out');
    }
    return record;
  }

  const close = closeOnce(async () => {
    closed = true;
    if (ownsStore) await (ownStore as ReturnType<typeof memoryStore>).close();
  });

  return {
    async start(userId, start = {}) {
      open();
      if (typeof userId !== 'string' || userId === '') throw invalidOption('userId', 'expected a non-empty string');
      const data = start.data ?? {};
      if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw invalidOption('data', 'expected an object');
      const { id, token, secretHash } = fresh();
      const record = await store.createSession({
        id,
        userId,
        secretHash,
        metadata: { ...start.metadata },
        data,
        idleTimeout,
        absoluteTimeout,
        now: clock.now(),
      });
      stats.started++;
      audit('session-created', { userId, sessionId: id });
      return { token, session: visible(record) };
    },

    async validate(token) {
      open();
      try {
        const record = await check401(token);
        const touched = await store.touchSession(record.id, idleTimeout, clock.now());
        if (touched === null)
          throw sessionError('ERR_AUTH_SESSION_INVALID', 'the session is unknown, ended or timed out');
        stats.validated++;
        return visible(touched);
      } catch (error) {
        stats.rejected++;
        throw error;
      }
    },

    async rotate(token) {
      open();
      const record = await check401(token);
      const next = fresh();
      const rotated = await store.rotateSession(
        record.id,
        { id: next.id, secretHash: next.secretHash },
        idleTimeout,
        clock.now(),
      );
      if (rotated === null)
        throw sessionError('ERR_AUTH_SESSION_INVALID', 'the session is unknown, ended or timed out');
      stats.rotated++;
      audit('session-rotated', { userId: record.userId, sessionId: next.id, reason: 'rotated' });
      return { token: next.token, session: visible(rotated) };
    },

    async revoke(token) {
      open();
      let record: SessionRecord;
      try {
        record = await check401(token);
      } catch {
        return false;
      }
      const deleted = await store.deleteSession(record.id);
      if (deleted) {
        stats.revoked++;
        audit('session-revoked', { userId: record.userId, sessionId: record.id, reason: 'logout' });
      }
      return deleted;
    },

    async revokeById(sessionId) {
      open();
      if (typeof sessionId !== 'string' || sessionId === '')
        throw invalidOption('sessionId', 'expected a non-empty string');
      const deleted = await store.deleteSession(sessionId);
      if (deleted) {
        stats.revoked++;
        audit('session-revoked', { sessionId, reason: 'revoked' });
      }
      return deleted;
    },

    async list(userId) {
      open();
      return (await store.listSessions(userId, clock.now())).map(visible);
    },

    async revokeAll(userId) {
      open();
      if (typeof userId !== 'string' || userId === '') throw invalidOption('userId', 'expected a non-empty string');
      const ids = await store.deleteUserSessions(userId);
      stats.revoked += ids.length;
      for (const sessionId of ids) audit('session-revoked', { userId, sessionId, reason: 'user' });
      return ids.length;
    },

    stats: () => ({ ...stats }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
