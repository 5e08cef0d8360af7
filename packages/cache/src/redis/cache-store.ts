import { invalidOption as invalid } from '../errors.ts';
import { RESERVED_PREFIX } from '../keys.ts';
import type { L2Connection, L2Read, L2Store, L2Write } from '../store.ts';
import { bumpScript, setScript } from './cache.lua.ts';
import type { RedisCommandClient } from './client.ts';
import { redisLeases } from './lease.ts';
import { runScript } from './lua-script.ts';
import { type Pending, tickBatch } from './tick-batch.ts';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * An ioredis client (or anything with `call`, `evalsha`, `eval`). With ioredis' default offline queue,
   * a command made while the client connects is sent once it is up; with `enableOfflineQueue: false`, the
   * cache waits for the connection itself. Either way each call gives up after the cache's `timeouts.l2`,
   * and whatever could not reach Redis is reported (stats, `write-failed`, logger) and, for
   * invalidations, replayed once Redis is back.
   */
  client: RedisCommandClient;
  /**
   * Prefix of every key this store writes (entries, version counters, leases). On Redis Cluster
   * use a hash tag (`'{cache}:'`) so a write's keys share a slot.
   * @default 'cache:'
   */
  prefix?: string;
}

/**
 * Redis as the cache's L2. A read is one MGET (any number of keys, plus their namespace counters;
 * entries with tags add one MGET of the tag counters), a write batch one EVALSHA, and so are the writes
 * of one tick (up to 16 calls); tag and namespace invalidation increment a counter, so nothing ever scans.
 *
 * @example
 * const client = new Redis(url, { maxRetriesPerRequest: 1 });
 * const cache = createCache({ l2: redisStore({ client, prefix: 'app:' }) });
 */
export function redisStore(options: RedisStoreOptions): L2Store {
  if (options === null || typeof options !== 'object') throw invalid('options', 'must be an object');
  const { client, prefix = 'cache:' } = options;
  for (const method of ['call', 'evalsha', 'eval'] as const) {
    if (typeof (client as unknown as Record<string, unknown> | undefined)?.[method] !== 'function') {
      throw invalid('client', `must be an ioredis client (missing ${method}())`);
    }
  }
  if (typeof prefix !== 'string') throw invalid('prefix', 'must be a string');
  const counterPrefix = `${prefix}${RESERVED_PREFIX}v:`;
  const leasePrefix = `${prefix}${RESERVED_PREFIX}lease:`;
  const dataKey = (key: string): string => prefix + key;
  const counterKey = (name: string): string => counterPrefix + name;

  // Writes made in the same tick go out as one script call (see tick-batch.ts); the script takes any number
  // of entries. Not on a Cluster, where they could span slots.
  const sendWrites = (call: ScriptArgs) => runScript(client, setScript, call.keys, call.args).then(() => undefined);
  const sendManyWrites = (batch: Pending<ScriptArgs, undefined>[]) => {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const { item } of batch) {
      for (const key of item.keys) keys.push(key);
      for (const arg of item.args) args.push(arg);
    }
    runScript(client, setScript, keys, args).then(
      () => {
        for (const call of batch) call.resolve(undefined);
      },
      (error: unknown) => {
        for (const call of batch) call.reject(error);
      },
    );
  };
  const write = client.isCluster === true ? sendWrites : tickBatch(sendWrites, sendManyWrites);

  /** Entries whose counters moved on are deleted lazily, off the read path. */
  const unlink = (keys: string[]): void => {
    if (keys.length === 0) return;
    client.call('UNLINK', ...keys).catch(() => {});
  };

  const connection = connectionOf(client);
  const leases = redisLeases(client);
  return {
    kind: 'redis',
    ...(connection === undefined ? {} : { connection }),

    async getMany(keys, counters) {
      if (keys.length === 0) return [];
      const args: string[] = [];
      for (const key of keys) args.push(prefix + key);
      for (const name of counters) args.push(counterPrefix + name);
      const reply = (await client.call('MGET', ...args)) as (string | null)[];
      const versions = new Map<string, string>();
      for (let i = 0; i < counters.length; i++) versions.set(counters[i] as string, reply[keys.length + i] ?? '0');
      const parsed: (Parsed | undefined)[] = [];
      const missing = new Set<string>();
      const expected = json(counters);
      for (let i = 0; i < keys.length; i++) {
        const raw = reply[i];
        const entry = typeof raw === 'string' ? parseOrUndefined(raw, counters, expected) : undefined;
        parsed.push(entry);
        if (entry === undefined) continue;
        for (const name of entry.names) {
          if (!versions.has(name)) missing.add(name);
        }
      }
      // Counters only the entries know about (their tags): one more round trip, for those only.
      if (missing.size > 0) {
        const names = [...missing];
        const current = (await client.call('MGET', ...names.map(counterKey))) as (string | null)[];
        for (let i = 0; i < names.length; i++) versions.set(names[i] as string, current[i] ?? '0');
      }
      const reads: (L2Read | undefined)[] = [];
      const stale: string[] = [];
      for (let i = 0; i < keys.length; i++) {
        const entry = parsed[i];
        if (entry === undefined) {
          reads.push(undefined);
          continue;
        }
        const verdict = check(entry, versions);
        if (verdict === REMOVED) {
          stale.push(prefix + keys[i]);
          reads.push(undefined);
        } else {
          entry.record.expiredByTag = verdict === EXPIRED;
          reads.push(entry.record);
        }
      }
      unlink(stale);
      return reads;
    },

    async setMany(writes: readonly L2Write[]) {
      if (writes.length === 0) return;
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const { key, record, deps, ttlMs } of writes) {
        // `createdAt,freshUntil,staleUntil,removeCount` \n counter names (JSON) \n tags (JSON): see cache.lua.ts.
        const names = deps.expire.length === 0 ? deps.remove : [...deps.remove, ...deps.expire];
        const header = `${record.createdAt},${record.freshUntil},${record.staleUntil},${deps.remove.length}\n${json(names)}\n${JSON.stringify(record.tags)}`;
        keys.push(prefix + key);
        for (const name of deps.remove) keys.push(counterPrefix + name);
        for (const name of deps.expire) keys.push(counterPrefix + name);
        args.push(deps.remove.length + deps.expire.length, Math.max(1, Math.ceil(ttlMs)), header, record.payload);
      }
      await write({ keys, args });
    },

    async delete(keys) {
      if (keys.length === 0) return 0;
      return Number(await client.call('DEL', ...keys.map(dataKey)));
    },

    async bump(counters) {
      if (counters.length === 0) return;
      await runScript(client, bumpScript, counters.map(counterKey), []);
    },

    async acquireLease(key, token, ttlMs) {
      return (await leases.acquire(leasePrefix + key, token, ttlMs)) !== null;
    },

    async releaseLease(key, token) {
      await leases.release(leasePrefix + key, token);
    },
  };
}

/** What the cache needs to know of an ioredis client's connection; `undefined` for a client without events. */
function connectionOf(client: RedisCommandClient): L2Connection | undefined {
  const { on, off } = client;
  if (client.status === undefined || typeof on !== 'function' || typeof off !== 'function') return undefined;
  let waiting: Promise<void> | undefined;
  return {
    queuesOffline: client.options?.enableOfflineQueue !== false,
    whenReady() {
      const status = client.status;
      // 'end': closed for good, nothing to wait for; 'wait': lazyConnect, the first command connects it.
      if (status === 'ready' || status === 'end' || status === 'wait') return undefined;
      waiting ??= new Promise<void>((resolve) => {
        const onReady = (): void => {
          off.call(client, 'ready', onReady);
          waiting = undefined;
          resolve();
        };
        on.call(client, 'ready', onReady);
      });
      return waiting;
    },
    onReady(listener) {
      on.call(client, 'ready', listener);
      return () => off.call(client, 'ready', listener);
    },
  };
}

/** One `setMany` call's part of the set script's KEYS and ARGV. */
interface ScriptArgs {
  keys: string[];
  args: (string | number)[];
}

const jsonCache = new WeakMap<readonly string[], string>();

/** JSON of a string list; cached for frozen arrays (a namespace's counter list is one frozen array, reused). */
function json(list: readonly string[]): string {
  if (!Object.isFrozen(list)) return JSON.stringify(list);
  let text = jsonCache.get(list);
  if (text === undefined) {
    text = JSON.stringify(list);
    jsonCache.set(list, text);
  }
  return text;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

interface Parsed {
  record: L2Read;
  /** Counter names: the `removeCount` remove counters first, then the expire counters. */
  names: readonly string[];
  removeCount: number;
  versions: string[];
}

const CURRENT = 0;
const EXPIRED = 1;
const REMOVED = 2;

/** Compares the versions an entry recorded with the current ones. */
function check(entry: Parsed, versions: Map<string, string>): typeof CURRENT | typeof EXPIRED | typeof REMOVED {
  let verdict: typeof CURRENT | typeof EXPIRED = CURRENT;
  for (let j = 0; j < entry.names.length; j++) {
    if (versions.get(entry.names[j] as string) === entry.versions[j]) continue;
    if (j < entry.removeCount) return REMOVED;
    verdict = EXPIRED;
  }
  return verdict;
}

/** A value this store cannot read (written by something else, or truncated) is a miss, not an outage. */
function parseOrUndefined(raw: string, counters: readonly string[], countersJson: string): Parsed | undefined {
  try {
    return parse(raw, counters, countersJson);
  } catch {
    return undefined;
  }
}

/**
 * Splits a stored value. When the counter names are exactly the ones the reader expected (an
 * untagged entry of its namespace, the common case) they are not parsed at all.
 */
function parse(raw: string, counters: readonly string[], countersJson: string): Parsed | undefined {
  const versionsEnd = raw.indexOf('\n');
  const timesEnd = versionsEnd === -1 ? -1 : raw.indexOf('\n', versionsEnd + 1);
  const namesEnd = timesEnd === -1 ? -1 : raw.indexOf('\n', timesEnd + 1);
  const tagsEnd = namesEnd === -1 ? -1 : raw.indexOf('\n', namesEnd + 1);
  if (tagsEnd === -1) return undefined;
  const times = raw.slice(versionsEnd + 1, timesEnd).split(',');
  const namesJson = raw.slice(timesEnd + 1, namesEnd);
  const tagsJson = raw.slice(namesEnd + 1, tagsEnd);
  return {
    record: {
      createdAt: Number(times[0]),
      freshUntil: Number(times[1]),
      staleUntil: Number(times[2]),
      tags: tagsJson === '[]' ? NO_TAGS : (JSON.parse(tagsJson) as string[]),
      payload: raw.slice(tagsEnd + 1),
      expiredByTag: false,
    },
    names: namesJson === countersJson ? counters : (JSON.parse(namesJson) as string[]),
    removeCount: Number(times[3]),
    versions: versionsEnd === 0 ? [] : raw.slice(0, versionsEnd).split(','),
  };
}
