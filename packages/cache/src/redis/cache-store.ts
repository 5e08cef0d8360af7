import { invalidOption as invalid } from '../errors.ts';
import { RESERVED_PREFIX } from '../keys.ts';
import type { EntryDeps, L2Connection, L2Read, L2Record, L2Store, L2Versions, L2Write } from '../store.ts';
import { bumpScript, setScript } from './cache.lua.ts';
import type { RedisCommandClient } from './client.ts';
import { bySlot, checkClusterClient, checkClusterPrefix, isCluster } from './cluster.ts';
import { redisLeases } from './lease.ts';
import { runScript } from './lua-script.ts';
import { type Pending, tickBatch } from './tick-batch.ts';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` (or anything with `call`, `evalsha`, `eval`). With ioredis' default
   * offline queue, a command made while the client connects is sent once it is up; with
   * `enableOfflineQueue: false`, the cache waits for the connection itself. Either way each call gives up
   * after the cache's `timeouts.l2`, and whatever could not reach Redis is reported (stats, `write-failed`,
   * logger) and, for invalidations, replayed once Redis is back. A `Cluster` must read from masters
   * (`scaleReads: 'master'`, the default) and have no hash tag in its `keyPrefix`.
   */
  client: RedisCommandClient;
  /**
   * Prefix of every key this store writes (entries, version counters, leases). On a Redis Cluster it must
   * not contain `{` or `}`: each entry hashes on its own, so entries spread over every master.
   * @default 'cache:'
   */
  prefix?: string;
}

/**
 * Redis as the cache's L2. A read is one MGET (any number of keys, plus their namespace counters;
 * entries with tags add one MGET of the tag counters), a write batch one EVALSHA, and so are the writes
 * of one tick (up to 16 calls); tag and namespace invalidation increment a counter, so nothing ever scans.
 *
 * On a Redis `Cluster` each entry hashes on its own slot and the counters share one slot of their own:
 * a read is one MGET per slot its keys fall in plus one for the counters, all sent at once; a write is a
 * SET per entry with the counters' versions read before (see `docs/DESIGN.md`).
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
  const cluster = isCluster(client);
  if (cluster) {
    checkClusterClient(client, 'redisStore');
    checkClusterPrefix(prefix, 'prefix', 'redisStore');
  }
  // On a cluster every counter shares the hash tag `{<prefix>v}`: one slot, so reading any set of them is
  // one MGET and bumping several is one atomic script.
  const counterPrefix = cluster ? `${prefix}${RESERVED_PREFIX}{${prefix}v}:` : `${prefix}${RESERVED_PREFIX}v:`;
  const leasePrefix = `${prefix}${RESERVED_PREFIX}lease:`;
  const dataKey = (key: string): string => prefix + key;
  const counterKey = (name: string): string => counterPrefix + name;
  const mget = (keys: readonly string[]) => client.call('MGET', ...keys) as Promise<(string | null)[]>;

  /**
   * On a cluster, the counter versions this store read lately, with when the read was sent. A write may
   * record them instead of reading them again: a version read earlier is never later than the current one,
   * so the entry can only come back invalidated sooner (a miss), never current after an invalidation. The
   * age bound keeps such misses to the first second after another instance's invalidation.
   */
  const recent = new Map<string, { version: string; at: number }>();
  const remember = (name: string, version: string, at: number): void => {
    const known = recent.get(name);
    if (known !== undefined && Number(version) < Number(known.version)) return;
    // One entry per counter read (a tag's included): bounded, since forgetting one only costs a read.
    if (known === undefined && recent.size >= 10_000) recent.clear();
    recent.set(name, { version, at });
  };

  /** Current versions of counters (one MGET: on a cluster they share a slot). */
  const readCounters = async (names: readonly string[], into: Map<string, string>): Promise<void> => {
    if (names.length === 0) return;
    const at = performance.now();
    const current = await mget(names.map(counterKey));
    for (let i = 0; i < names.length; i++) {
      const version = current[i] ?? '0';
      into.set(names[i] as string, version);
      if (cluster) remember(names[i] as string, version, at);
    }
  };

  /** Raw entries and the counters' versions: one MGET on one node; on a cluster, one per slot plus one for the counters. */
  const readRaw: (
    keys: readonly string[],
    counters: readonly string[],
    versions: Map<string, string>,
  ) => Promise<(string | null)[]> = cluster
    ? async (keys, counters, versions) => {
        const raws: (string | null)[] = new Array(keys.length).fill(null);
        const groups = [...bySlot(keys.map(dataKey))];
        await Promise.all([
          readCounters(counters, versions),
          ...groups.map(async ([, indexes]) => {
            const reply = await mget(indexes.map((i) => dataKey(keys[i] as string)));
            for (let j = 0; j < indexes.length; j++) raws[indexes[j] as number] = reply[j] ?? null;
          }),
        ]);
        return raws;
      }
    : async (keys, counters, versions) => {
        const args: string[] = [];
        for (const key of keys) args.push(prefix + key);
        for (const name of counters) args.push(counterPrefix + name);
        const reply = await mget(args);
        for (let i = 0; i < counters.length; i++) versions.set(counters[i] as string, reply[keys.length + i] ?? '0');
        return reply.length === keys.length ? reply : reply.slice(0, keys.length);
      };

  // Writes made in the same tick go out as one script call (see tick-batch.ts); the script takes any number
  // of entries. On a cluster each entry is a SET of its own (entries of one tick fall in different slots).
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
  const write = tickBatch(sendWrites, sendManyWrites);

  // Cluster writes read the versions they were not given first. Reads of the same tick share one MGET:
  // versions read a little earlier than needed are safe (an entry recording an older version is only ever
  // invalidated sooner), never later ones.
  const versionsNow = tickBatch<readonly string[], Map<string, string>>(
    async (names) => {
      const into = new Map<string, string>();
      await readCounters(names, into);
      return into;
    },
    (batch) => {
      const names = [...new Set(batch.flatMap((call) => call.item))];
      const into = new Map<string, string>();
      readCounters(names, into).then(
        () => {
          for (const call of batch) call.resolve(into);
        },
        (error: unknown) => {
          for (const call of batch) call.reject(error);
        },
      );
    },
  );

  /** One SET per entry; sent at once when every version is known (a factory's value), else after one MGET. */
  const setManyCluster = (writes: readonly L2Write[]): Promise<void> => {
    const missing = new Set<string>();
    const since = performance.now() - recentFor;
    const known = (name: string, versions: L2Versions | undefined): boolean =>
      versions?.has(name) === true || (recent.get(name)?.at ?? Number.NEGATIVE_INFINITY) >= since;
    for (const { deps, versions } of writes) {
      for (const name of deps.remove) if (!known(name, versions)) missing.add(name);
      for (const name of deps.expire) if (!known(name, versions)) missing.add(name);
    }
    const version = (name: string, versions: L2Versions | undefined, now: L2Versions | undefined): string =>
      versions?.get(name) ?? now?.get(name) ?? recent.get(name)?.version ?? '0';
    const send = (now: L2Versions | undefined) =>
      Promise.all(
        writes.map(({ key, record, deps, ttlMs, versions }) => {
          const parts: string[] = [];
          for (const name of deps.remove) parts.push(version(name, versions, now));
          for (const name of deps.expire) parts.push(version(name, versions, now));
          const value = `${parts.join(',')}\n${headerOf(record, deps)}\n${record.payload}`;
          return client.call('SET', dataKey(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
        }),
      ).then(() => undefined);
    return missing.size === 0 ? send(undefined) : versionsNow([...missing]).then(send);
  };

  /** Deletes keys: one command on one node, one per slot on a cluster; resolves with how many existed. */
  const removeKeys = async (command: 'DEL' | 'UNLINK', keys: readonly string[]): Promise<number> => {
    if (!cluster) return Number(await client.call(command, ...keys));
    const counts = await Promise.all(
      [...bySlot(keys)].map(([, indexes]) => client.call(command, ...indexes.map((i) => keys[i] as string))),
    );
    return counts.reduce<number>((sum, count) => sum + Number(count), 0);
  };

  /** Entries whose counters moved on are deleted lazily, off the read path. */
  const unlink = (keys: string[]): void => {
    if (keys.length === 0) return;
    removeKeys('UNLINK', keys).catch(() => {});
  };

  const connection = connectionOf(client);
  const leases = redisLeases(client);
  return {
    kind: 'redis',
    ...(connection === undefined ? {} : { connection }),

    async getMany(keys, counters, sink) {
      if (keys.length === 0) {
        if (sink !== undefined) await readCounters(counters, sink);
        return [];
      }
      const versions = sink ?? new Map<string, string>();
      const raws = await readRaw(keys, counters, versions);
      const parsed: (Parsed | undefined)[] = [];
      const missing = new Set<string>();
      const expected = json(counters);
      for (let i = 0; i < keys.length; i++) {
        const raw = raws[i];
        const entry = typeof raw === 'string' ? parseOrUndefined(raw, counters, expected) : undefined;
        parsed.push(entry);
        if (entry === undefined) continue;
        for (const name of entry.names) {
          if (!versions.has(name)) missing.add(name);
        }
      }
      // Counters only the entries know about (their tags): one more round trip, for those only.
      if (missing.size > 0) await readCounters([...missing], versions);
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
      if (cluster) return setManyCluster(writes);
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const { key, record, deps, ttlMs, versions } of writes) {
        keys.push(prefix + key);
        for (const name of deps.remove) keys.push(counterPrefix + name);
        for (const name of deps.expire) keys.push(counterPrefix + name);
        args.push(specOf(deps, versions), Math.max(1, Math.ceil(ttlMs)), headerOf(record, deps), record.payload);
      }
      await write({ keys, args });
    },

    async delete(keys) {
      if (keys.length === 0) return 0;
      return removeKeys('DEL', keys.map(dataKey));
    },

    async bump(counters) {
      if (counters.length === 0) return;
      for (const name of counters) recent.delete(name);
      await runScript(client, bumpScript, counters.map(counterKey), []);
      // A read sent before the bump may have remembered the old version meanwhile.
      for (const name of counters) recent.delete(name);
    },

    async acquireLease(key, token, ttlMs) {
      return (await leases.acquire(leasePrefix + key, token, ttlMs)) !== null;
    },

    async releaseLease(key, token) {
      await leases.release(leasePrefix + key, token);
    },
  };
}

/** `createdAt,freshUntil,staleUntil,removeCount` \n counter names (JSON) \n tags (JSON): see cache.lua.ts. */
function headerOf(record: L2Record, deps: EntryDeps): string {
  const names = deps.expire.length === 0 ? deps.remove : [...deps.remove, ...deps.expire];
  return `${record.createdAt},${record.freshUntil},${record.staleUntil},${deps.remove.length}\n${json(names)}\n${JSON.stringify(record.tags)}`;
}

/** The set script's counter spec: the count alone (read at write time), or with the versions read before. */
function specOf(deps: EntryDeps, versions: L2Versions | undefined): number | string {
  const count = deps.remove.length + deps.expire.length;
  if (versions === undefined || count === 0) return count;
  let given = '';
  for (const name of deps.remove) given += `${versions.get(name) ?? ''},`;
  for (const name of deps.expire) given += `${versions.get(name) ?? ''},`;
  return `${count}|${given}`;
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

/** How long (ms) a cluster write may record counter versions read earlier instead of reading them again. */
const recentFor = 1000;

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
    const current = versions.get(entry.names[j] as string);
    const recorded = entry.versions[j];
    if (current === recorded) continue;
    // On a cluster the counters and the entry are read in parallel: an entry written since the counters
    // were read may record a later version than the one read. It is not outdated (counters only grow).
    if (Number(recorded) > Number(current)) continue;
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
