import { CacheError } from '../errors.ts';
import { RESERVED_PREFIX } from '../keys.ts';
import type { L2Read, L2Store, L2Write } from '../store.ts';
import type { RedisCommandClient } from './client.ts';
import { runScript } from './lua-script.ts';
import { assertReady, bumpScript, releaseScript, setScript } from './scripts.ts';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * An ioredis client (or anything with `call`, `evalsha`, `eval`). Create it with
   * `enableOfflineQueue: false` and `maxRetriesPerRequest: 1` so commands fail fast while
   * disconnected; the store also refuses to send while `status` is not `'ready'`.
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
 * entries with tags add one MGET of the tag counters), a write batch one EVALSHA; tag and namespace
 * invalidation increment a counter, so nothing ever scans.
 *
 * @example
 * const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
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

  /** Entries whose counters moved on are deleted lazily, off the read path. */
  const unlink = (keys: string[]): void => {
    if (keys.length === 0) return;
    client.call('UNLINK', ...keys).catch(() => {});
  };

  return {
    kind: 'redis',

    async getMany(keys, counters) {
      if (keys.length === 0) return [];
      assertReady(client, 'redisStore.get');
      const args: string[] = [];
      for (const key of keys) args.push(prefix + key);
      for (const name of counters) args.push(counterPrefix + name);
      const reply = (await client.call('MGET', ...args)) as (string | null)[];
      const versions = new Map<string, string>();
      for (let i = 0; i < counters.length; i++) versions.set(counters[i] as string, reply[keys.length + i] ?? '0');
      const parsed: (Parsed | undefined)[] = [];
      const missing = new Set<string>();
      for (let i = 0; i < keys.length; i++) {
        const raw = reply[i];
        const entry = typeof raw === 'string' ? parse(raw) : undefined;
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
      assertReady(client, 'redisStore.set');
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const { key, record, deps, ttlMs } of writes) {
        // Built by hand: the counter lists repeat from write to write, so their JSON is cached.
        const header = `{"c":${record.createdAt},"f":${record.freshUntil},"s":${record.staleUntil},"g":${JSON.stringify(record.tags)},"d":${json(deps.remove)},"e":${JSON.stringify(deps.expire)}}`;
        keys.push(prefix + key);
        for (const name of deps.remove) keys.push(counterPrefix + name);
        for (const name of deps.expire) keys.push(counterPrefix + name);
        args.push(deps.remove.length + deps.expire.length, Math.max(1, Math.ceil(ttlMs)), header, record.payload);
      }
      await runScript(client, setScript, keys, args);
    },

    async delete(keys) {
      if (keys.length === 0) return 0;
      assertReady(client, 'redisStore.delete');
      return Number(await client.call('DEL', ...keys.map(dataKey)));
    },

    async bump(counters) {
      if (counters.length === 0) return;
      assertReady(client, 'redisStore.bump');
      await runScript(client, bumpScript, counters.map(counterKey), []);
    },

    async acquireLease(key, token, ttlMs) {
      assertReady(client, 'redisStore.acquireLease');
      return (await client.call('SET', leasePrefix + key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
    },

    async releaseLease(key, token) {
      assertReady(client, 'redisStore.releaseLease');
      await runScript(client, releaseScript, [leasePrefix + key], [token]);
    },
  };
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

interface Parsed {
  record: L2Read;
  /** Counter names: the `removeCount` remove counters first, then the expire counters. */
  names: string[];
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

function parse(raw: string): Parsed | undefined {
  const first = raw.indexOf('\n');
  const second = first === -1 ? -1 : raw.indexOf('\n', first + 1);
  if (second === -1) return undefined;
  const header = JSON.parse(raw.slice(first + 1, second)) as {
    c: number;
    f: number;
    s: number;
    g: string[];
    d: string[];
    e: string[];
  };
  return {
    record: {
      createdAt: header.c,
      freshUntil: header.f,
      staleUntil: header.s,
      tags: header.g,
      payload: raw.slice(second + 1),
      expiredByTag: false,
    },
    names: header.e.length === 0 ? header.d : [...header.d, ...header.e],
    removeCount: header.d.length,
    versions: first === 0 ? [] : raw.slice(0, first).split(','),
  };
}

function invalid(option: string, message: string): CacheError {
  return new CacheError('ERR_CACHE_INVALID_OPTION', `Invalid option "${option}": ${message}`);
}
