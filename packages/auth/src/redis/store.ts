// The Redis store of `@infra/auth`: refresh families, revocation lists, sessions and the key set, one Lua
// script per read-modify-write. Works on a single node and on a Redis Cluster: hash tags group the keys of one
// family, one user or one session, never the whole store, so the store spreads over every master.
import { invalidOption } from '../errors.ts';
import type {
  AuthStore,
  ClientMetadata,
  FamilyRecord,
  KeySet,
  RevocationState,
  RotateResult,
  SessionRecord,
  StoredKey,
} from '../store/contract.ts';
import { purgeSettings } from '../store/purge.ts';
import { type AuthRedisClient, run } from './client.ts';
import * as lua from './scripts.ts';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** An ioredis `Redis` or `Cluster` (or anything with `call`, `evalsha` and `eval`). Never modified. Required. */
  client: AuthRedisClient;
  /** Prefix of every key; no `{` or `}` (hash tags are the store's). @default 'auth:' */
  prefix?: string;
  /**
   * Whose clock decides lifetimes and the grace window. `'server'` reads Redis' clock inside each script, so
   * app servers with skewed clocks agree. `'client'` uses the `now` of the caller (its `clock` option): for
   * deterministic tests against a real Redis. Keys then live `10 s` longer than their state needs.
   * @default 'server'
   */
  time?: 'server' | 'client';
}

// At client time Redis still expires keys by its own clock: keys outlive their state by this much.
const clientSlack = 10_000;

/**
 * A store on Redis (single node or Cluster).
 *
 * @example const store = redisStore({ client: new Redis(process.env.REDIS_URL) })
 */
export function redisStore(options: RedisStoreOptions): AuthStore {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected { client }');
  const { client } = options;
  if (typeof client?.call !== 'function' || typeof client.evalsha !== 'function' || typeof client.eval !== 'function') {
    throw invalidOption('client', 'expected an ioredis client (call, evalsha and eval)');
  }
  const prefix = options.prefix ?? 'auth:';
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw invalidOption('prefix', 'expected a string without { or } (the store sets its own hash tags)');
  }
  const time = options.time ?? 'server';
  if (time !== 'server' && time !== 'client') throw invalidOption('time', "expected 'server' or 'client'");
  const server = time === 'server' ? '1' : '0';
  const slack = time === 'server' ? 0 : clientSlack;

  const familyKey = (id: string) => `${prefix}f:{${id}}`;
  const tokensKey = (id: string) => `${prefix}ft:{${id}}`;
  const userFamiliesKey = (userId: string) => `${prefix}uf:{${userId}}`;
  const deniedKey = (userId: string, jti: string) => `${prefix}rj:{${userId}}:${jti}`;
  const cutoffKey = (userId: string) => `${prefix}rn:{${userId}}`;
  const sessionKey = (id: string) => `${prefix}s:{${id}}`;
  const userSessionsKey = (userId: string) => `${prefix}us:{${userId}}`;
  const keySetKey = `${prefix}keys`;

  /** `now`, or Redis' clock at server time (one TIME call, for decisions made outside a script). */
  async function currentTime(now: number): Promise<number> {
    if (time === 'client') return now;
    const [seconds, micros] = (await client.call('TIME')) as [string, string];
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async function getFamily(familyId: string): Promise<FamilyRecord | null> {
    return toFamily((await client.call('HGETALL', familyKey(familyId))) as string[]);
  }

  async function familiesOf(userId: string): Promise<FamilyRecord[]> {
    const ids = (await client.call('ZRANGE', userFamiliesKey(userId), 0, -1)) as string[];
    const families = await Promise.all(ids.map(getFamily));
    const gone = ids.filter((_, i) => families[i] === null);
    if (gone.length > 0) await client.call('ZREM', userFamiliesKey(userId), ...gone);
    return families.filter((f): f is FamilyRecord => f !== null).sort((a, b) => a.createdAt - b.createdAt);
  }

  const live = (f: FamilyRecord, now: number) => f.revokedAt === null && now < f.expiresAt && now < f.idleExpiresAt;

  function revoke(
    familyId: string,
    reason: string,
    now: number,
    tokenHash: string,
    onlyLive: boolean,
  ): Promise<boolean> {
    return run(
      client,
      lua.revokeFamily,
      [familyKey(familyId), tokensKey(familyId)],
      [now, server, reason, tokenHash, onlyLive ? '1' : '0'],
    ).then((n) => Number(n) === 1);
  }

  async function sessionsOf(userId: string, now: number): Promise<SessionRecord[]> {
    const ids = (await client.call('SMEMBERS', userSessionsKey(userId))) as string[];
    const found = await Promise.all(
      ids.map(async (id) =>
        toSession((await run(client, lua.readSession, [sessionKey(id)], [now, server])) as string[]),
      ),
    );
    const gone = ids.filter((_, i) => found[i] === null);
    // Dead ids leave the index lazily: a session that expired by itself never told it.
    if (gone.length > 0) await client.call('SREM', userSessionsKey(userId), ...gone);
    return found.filter((s): s is SessionRecord => s !== null).sort((a, b) => a.createdAt - b.createdAt);
  }

  return {
    kind: 'redis',

    async createFamily(input) {
      const created = Number(
        await run(
          client,
          lua.createFamily,
          [familyKey(input.id), tokensKey(input.id)],
          [
            input.now,
            server,
            input.id,
            input.userId,
            input.tokenHash,
            JSON.stringify(input.metadata),
            input.idleTtl,
            input.absoluteTtl,
            slack,
          ],
        ),
      );
      await run(
        client,
        lua.indexFamily,
        [userFamiliesKey(input.userId)],
        [input.now, server, input.id, input.absoluteTtl + slack],
      );
      // The cap spans keys of several families (several slots), so it is applied after the login, family by
      // family: two logins racing may both survive a moment, never both be evicted.
      const liveFamilies = (await familiesOf(input.userId)).filter((f) => live(f, created));
      const excess = liveFamilies.slice(0, Math.max(0, liveFamilies.length - input.maxFamilies));
      const evicted: string[] = [];
      for (const family of excess) {
        if (await revoke(family.id, 'evicted', input.now, '', false)) evicted.push(family.id);
      }
      return { evicted };
    },

    async rotate(request): Promise<RotateResult> {
      const reply = (await run(
        client,
        lua.rotate,
        [familyKey(request.familyId), tokensKey(request.familyId)],
        [request.now, server, request.tokenHash, request.nextHash, request.sealedNext, request.grace, request.idleTtl],
      )) as string[];
      const [outcome, sealed, ...fields] = reply;
      if (outcome === 'unknown') return { outcome: 'unknown' };
      const family = toFamily(fields) as FamilyRecord;
      if (outcome === 'grace') return { outcome, family, sealedNext: sealed as string };
      return { outcome: outcome as 'rotated' | 'reused' | 'revoked' | 'expired', family };
    },

    getFamily,

    async listFamilies(userId, now) {
      const at = await currentTime(now);
      return (await familiesOf(userId)).filter((f) => live(f, at));
    },

    revokeFamily: (familyId, reason, now, tokenHash) => revoke(familyId, reason, now, tokenHash ?? '', false),

    async revokeUserFamilies(userId, reason, now) {
      const revoked: string[] = [];
      for (const family of await familiesOf(userId)) {
        if (await revoke(family.id, reason, now, '', true)) revoked.push(family.id);
      }
      return revoked;
    },

    async denyToken(userId, jti, expiresAt, now) {
      const ttl = Math.max(1, Math.ceil(expiresAt - now)) + slack;
      await client.call('SET', deniedKey(userId, jti), String(expiresAt), 'PX', ttl);
    },

    async setNotBefore(userId, notBefore, ttl) {
      await run(client, lua.setNotBefore, [cutoffKey(userId)], [notBefore, ttl + slack]);
    },

    async revocationState(userId, jti, now): Promise<RevocationState> {
      // Both keys carry the user's hash tag: one MGET, one round trip, on a cluster too.
      const [until, cutoff] = (await client.call('MGET', deniedKey(userId, jti), cutoffKey(userId))) as (
        | string
        | null
      )[];
      return {
        denied: until !== null && until !== undefined && (time === 'server' || Number(until) > now),
        notBefore: cutoff === null || cutoff === undefined ? null : Number(cutoff),
      };
    },

    async createSession(input) {
      const created = Number(
        await run(
          client,
          lua.createSession,
          [sessionKey(input.id)],
          [
            input.now,
            server,
            input.userId,
            input.secretHash,
            JSON.stringify(input.metadata),
            JSON.stringify(input.data),
            input.idleTimeout,
            input.absoluteTimeout,
            slack,
            input.id,
            '',
            '',
          ],
        ),
      );
      await client.call('SADD', userSessionsKey(input.userId), input.id);
      await client.call('PEXPIRE', userSessionsKey(input.userId), input.absoluteTimeout + slack, 'GT');
      await client.call('PEXPIRE', userSessionsKey(input.userId), input.absoluteTimeout + slack, 'NX');
      const expiresAt = created + input.absoluteTimeout;
      return {
        id: input.id,
        userId: input.userId,
        secretHash: input.secretHash,
        createdAt: created,
        lastUsedAt: created,
        idleExpiresAt: Math.min(created + input.idleTimeout, expiresAt),
        expiresAt,
        metadata: { ...input.metadata },
        data: structuredClone(input.data),
      };
    },

    async readSession(id, now) {
      return toSession((await run(client, lua.readSession, [sessionKey(id)], [now, server])) as string[]);
    },

    async touchSession(id, idleTimeout, now) {
      return toSession(
        (await run(client, lua.touchSession, [sessionKey(id)], [now, server, idleTimeout, slack])) as string[],
      );
    },

    async rotateSession(oldId, next, idleTimeout, now) {
      const taken = (await run(client, lua.takeSession, [sessionKey(oldId)], [now, server])) as string[];
      const old = toSession(taken);
      if (old === null) return null;
      // The old id is gone before the new one exists: a failure in between logs the user out, never leaves both.
      const at = Number(fieldsOf(taken).now);
      await run(
        client,
        lua.createSession,
        [sessionKey(next.id)],
        [
          at,
          '0',
          old.userId,
          next.secretHash,
          JSON.stringify(old.metadata),
          JSON.stringify(old.data),
          idleTimeout,
          old.expiresAt - old.createdAt,
          slack,
          next.id,
          old.createdAt,
          old.expiresAt,
        ],
      );
      // Add before removing: SREM of the last member deletes the set, and a set SADD then recreates has no TTL.
      // NX gives it one if it lost it anyway, and never shortens the one it has.
      const indexTtl = Math.max(1, old.expiresAt - at) + slack;
      await client.call('SADD', userSessionsKey(old.userId), next.id);
      await client.call('SREM', userSessionsKey(old.userId), oldId);
      await client.call('PEXPIRE', userSessionsKey(old.userId), indexTtl, 'NX');
      return {
        ...old,
        id: next.id,
        secretHash: next.secretHash,
        lastUsedAt: at,
        idleExpiresAt: Math.min(at + idleTimeout, old.expiresAt),
      };
    },

    async deleteSession(id) {
      const userId = (await client.call('HGET', sessionKey(id), 'userId')) as string | null;
      const deleted = Number(await client.call('DEL', sessionKey(id))) === 1;
      if (userId !== null) await client.call('SREM', userSessionsKey(userId), id);
      return deleted;
    },

    listSessions: (userId, now) => sessionsOf(userId, now),

    async deleteUserSessions(userId) {
      const ids = (await client.call('SMEMBERS', userSessionsKey(userId))) as string[];
      const deleted: string[] = [];
      for (const id of ids) if (Number(await client.call('DEL', sessionKey(id))) === 1) deleted.push(id);
      await client.call('DEL', userSessionsKey(userId));
      return deleted;
    },

    async readKeySet(): Promise<KeySet> {
      const text = (await client.call('GET', keySetKey)) as string | null;
      if (text === null) return { version: 0, keys: [] };
      const parsed = JSON.parse(text) as KeySet;
      return { version: parsed.version, keys: parsed.keys };
    },

    async writeKeySet(expected, keys: StoredKey[]) {
      const document = JSON.stringify({ version: expected + 1, keys });
      return Number(await run(client, lua.writeKeySet, [keySetKey], [expected, document])) === 1;
    },

    async purgeExpired(options) {
      purgeSettings(options);
      // Every key is written with a TTL that covers its state (the conformance suite checks it): Redis removes
      // expired state by itself, nothing is left to purge.
      return 0;
    },

    async close() {},
  };
}

function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
  return fields;
}

const orNull = (text: string | undefined) => (text === undefined || text === '' ? null : Number(text));

function toFamily(flat: readonly string[]): FamilyRecord | null {
  if (flat.length === 0) return null;
  const f = fieldsOf(flat);
  return {
    id: f.id as string,
    userId: f.userId as string,
    createdAt: Number(f.createdAt),
    lastUsedAt: Number(f.lastUsedAt),
    idleExpiresAt: Number(f.idleExpiresAt),
    expiresAt: Number(f.expiresAt),
    revokedAt: orNull(f.revokedAt),
    revokedReason: f.revokedReason === '' || f.revokedReason === undefined ? null : f.revokedReason,
    tokens: Number(f.tokens),
    metadata: JSON.parse(f.metadata ?? '{}') as ClientMetadata,
  };
}

function toSession(flat: readonly string[]): SessionRecord | null {
  if (flat.length === 0) return null;
  const s = fieldsOf(flat);
  return {
    id: s.id as string,
    userId: s.userId as string,
    secretHash: s.secretHash as string,
    createdAt: Number(s.createdAt),
    lastUsedAt: Number(s.lastUsedAt),
    idleExpiresAt: Number(s.idleExpiresAt),
    expiresAt: Number(s.expiresAt),
    metadata: JSON.parse(s.metadata ?? '{}') as ClientMetadata,
    data: JSON.parse(s.data ?? '{}') as Record<string, unknown>,
  };
}
