import { CacheError } from '../errors.ts';
import { RESERVED_PREFIX } from '../keys.ts';
import type { L2Read, L2Store, L2Write } from '../store.ts';
import type { RedisCommandClient } from './client.ts';
import { runScript } from './lua-script.ts';
import { assertReady, bumpScript, getScript, releaseScript, setScript } from './scripts.ts';

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
   * use a hash tag (`'{cache}:'`) so the scripts' keys share a slot.
   * @default 'cache:'
   */
  prefix?: string;
}

/**
 * Redis as the cache's L2. One `EVALSHA` per read (any number of keys), one per write batch; tag
 * and namespace invalidation bump a counter in one hash, so nothing ever scans.
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
  const versions = `${prefix}${RESERVED_PREFIX}versions`;
  const leasePrefix = `${prefix}${RESERVED_PREFIX}lease:`;
  const dataKey = (key: string): string => prefix + key;

  return {
    kind: 'redis',

    async getMany(keys) {
      if (keys.length === 0) return [];
      assertReady(client, 'redisStore.get');
      const reply = (await runScript(client, getScript, [versions, ...keys.map(dataKey)], [])) as (
        | string
        | number
        | null
      )[];
      const reads: (L2Read | undefined)[] = [];
      for (let i = 0; i < keys.length; i++) {
        const raw = reply[i * 2];
        reads.push(typeof raw === 'string' ? decode(raw, reply[i * 2 + 1] === 1) : undefined);
      }
      return reads;
    },

    async setMany(writes: readonly L2Write[]) {
      if (writes.length === 0) return;
      assertReady(client, 'redisStore.set');
      const args: (string | number)[] = [];
      for (const { record, deps, ttlMs } of writes) {
        const header = JSON.stringify({
          c: record.createdAt,
          f: record.freshUntil,
          s: record.staleUntil,
          g: record.tags,
          d: deps.remove,
          e: deps.expire,
        });
        args.push(Math.max(1, Math.ceil(ttlMs)), header, record.payload);
      }
      await runScript(client, setScript, [versions, ...writes.map((w) => dataKey(w.key))], args);
    },

    async delete(keys) {
      if (keys.length === 0) return 0;
      assertReady(client, 'redisStore.delete');
      return Number(await client.call('DEL', ...keys.map(dataKey)));
    },

    async bump(counters) {
      if (counters.length === 0) return;
      assertReady(client, 'redisStore.bump');
      await runScript(client, bumpScript, [versions], counters);
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

function decode(raw: string, expiredByTag: boolean): L2Read {
  const first = raw.indexOf('\n');
  const second = raw.indexOf('\n', first + 1);
  const header = JSON.parse(raw.slice(first + 1, second)) as { c: number; f: number; s: number; g: string[] };
  return {
    createdAt: header.c,
    freshUntil: header.f,
    staleUntil: header.s,
    tags: header.g,
    payload: raw.slice(second + 1),
    expiredByTag,
  };
}

function invalid(option: string, message: string): CacheError {
  return new CacheError('ERR_CACHE_INVALID_OPTION', `Invalid option "${option}": ${message}`);
}
