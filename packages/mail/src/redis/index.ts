// @infra/mail/redis: the idempotency store on Redis (one node or a cluster). One key per idempotency key, so keys
// spread over a cluster's masters; each read-modify-write is one Lua script (EVALSHA, EVAL on NOSCRIPT), atomic
// across every instance sharing the Redis.
import { createHash, randomUUID } from 'node:crypto';
import { check, invalidOption, MailError } from '../errors.ts';
import type { BeginResult, IdempotencyStore, StoredResult } from '../idempotency/store.ts';

/** What the store needs of an ioredis `Redis` or `Cluster` client. */
export interface RedisScriptClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link redisIdempotencyStore}. */
export interface RedisIdempotencyStoreOptions {
  /** An ioredis `Redis` or `Cluster`; the app's own, never modified or closed. */
  client: RedisScriptClient;
  /** Prefix of every key, before the mailer's own. @default '' */
  prefix?: string;
}

// The pending record is compared as a whole string: it holds the claimer's token, so only that claimer settles it.
const beginScript = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;
const settleScript = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

function script(source: string) {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}
const begin = script(beginScript);
const settle = script(settleScript);

type Record_ = { s: 'pending'; t: string } | { s: 'sent'; r: StoredResult } | { s: 'unknown' };

function pendingRecord(token: string): string {
  return JSON.stringify({ s: 'pending', t: token });
}

/**
 * An idempotency store on Redis.
 *
 * @example createMailer({ transport, idempotency: { store: redisIdempotencyStore({ client: redis }) } })
 */
export function redisIdempotencyStore(options: RedisIdempotencyStoreOptions): IdempotencyStore {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be { client }');
  const { client } = options;
  if (typeof client?.call !== 'function') throw invalidOption('client', 'must be an ioredis Redis or Cluster client');
  const prefix = options.prefix === undefined ? '' : check.string(options.prefix, 'prefix');

  const run = async (s: { source: string; sha: string }, key: string, args: (string | number)[]): Promise<unknown> => {
    try {
      return await client.call('EVALSHA', s.sha, 1, key, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return client.call('EVAL', s.source, 1, key, ...args);
    }
  };

  return {
    async begin(key, leaseMs): Promise<BeginResult> {
      const token = randomUUID();
      const found = await run(begin, prefix + key, [pendingRecord(token), leaseMs]);
      if (found === null || found === undefined) return { state: 'started', token };
      let record: Record_;
      try {
        record = JSON.parse(String(found)) as Record_;
      } catch (error) {
        throw new MailError('ERR_MAIL_STORE', `The idempotency record of "${key}" is not this store's`, {
          cause: error,
        });
      }
      if (record.s === 'sent') return { state: 'sent', result: record.r };
      return { state: record.s === 'pending' ? 'pending' : 'unknown' };
    },
    async complete(key, token, result, ttlMs) {
      await run(settle, prefix + key, [pendingRecord(token), JSON.stringify({ s: 'sent', r: result }), ttlMs]);
    },
    async markUnknown(key, token, ttlMs) {
      await run(settle, prefix + key, [pendingRecord(token), JSON.stringify({ s: 'unknown' }), ttlMs]);
    },
    async release(key, token) {
      await run(settle, prefix + key, [pendingRecord(token), '', 0]);
    },
  };
}
