/**
 * `redisRateLimitStore`: every rule of a request is read, decided and (only if all allow) written by one
 * Lua script in one round trip, at Redis server time, so neither concurrent callers nor skewed app
 * clocks can let more through than the rules say.
 */
import { CacheError, invalidOption as invalid } from '../errors.ts';
import type { CompiledRule } from '../rate-limit/rules.ts';
import type { RateLimitStore, RateLimitStoreResult, RateLimitStoreRuleResult } from '../rate-limit/store.ts';
import { type ClusterShape, checkClusterClient, checkClusterPrefix, isCluster, masterOf } from './cluster.ts';
import { runBufferScript } from './lua-script.ts';
import { blockScript, type EvaluateScripts, evaluateScriptsFor } from './rate-limit.lua.ts';
import { type BatchClient, type BatchScript, checkRunner } from './script-batch.ts';

/**
 * What the Redis rate-limit store needs of a client (an ioredis `Redis` or `Cluster`): scripts with binary
 * replies (`callBuffer('EVALSHA', …)`) and `DEL`.
 */
export interface RateLimitRedisClient extends BatchClient, ClusterShape {
  del(...keys: string[]): Promise<number>;
}

/** Options of {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /**
   * An ioredis client (or anything with `callBuffer` and `del`). Create it with
   * `enableOfflineQueue: false` so that calls fail at once while Redis is down instead of queueing
   * (and counting later, after `onStoreError` already decided).
   */
  client: RateLimitRedisClient;
  /**
   * Wrap the subject's part of the key in `{hash tags}` (`rl:{user-1}:...`), so that a Redis Cluster
   * places all of one subject's limiters in one slot. Harmless elsewhere.
   * @default true
   */
  hashTags?: boolean;
  /**
   * Whose clock decides windows. `'server'` reads the Redis clock inside the script (the key's own expiry
   * minus its `PTTL`, or `TIME` for a new key), so app servers with skewed clocks agree. `'client'` uses the
   * limiter's `clock` option instead: for deterministic tests against a real Redis, or replaying recorded
   * traffic. Redis still expires keys by its own clock, so at client time keys live 10 s longer than their
   * state needs (a state read late answers like none). Do not point stores with different settings at the
   * same keys.
   * @default 'server'
   */
  time?: 'server' | 'client';
  /**
   * Send the checks started in the same tick together: one script call for up to 16 checks instead of one
   * each, which under concurrent load saves most of a check's client CPU (the socket write) and much of its
   * Redis time. The first check of a tick goes out at once, so a lone request waits for nothing. Not applied
   * to a `Cluster` client (one script call may only touch one slot).
   * @default true
   */
  batch?: boolean;
}

/**
 * A rate-limit store on Redis: one `EVALSHA` per check (batched with the other checks of the same tick),
 * Redis server time, keys that expire by themselves. Needs Redis >= 6.2.
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const client = options?.client;
  if (typeof client?.callBuffer !== 'function' || typeof client.del !== 'function') {
    throw invalid('client', 'must be an ioredis client (or have callBuffer and del)');
  }
  const hashTags = options.hashTags ?? true;
  if (typeof hashTags !== 'boolean') throw invalid('hashTags', 'must be a boolean');
  const time = options.time ?? 'server';
  if (time !== 'server' && time !== 'client') throw invalid('time', "must be 'server' or 'client'");
  const batch = options.batch ?? true;
  if (typeof batch !== 'boolean') throw invalid('batch', 'must be a boolean');
  const run = checkRunner(client, batch);
  const cluster = isCluster(client);
  if (cluster) checkClusterClient(client, 'redisRateLimitStore');

  // Per rule set (a limiter's rules array), built once: its scripts and key suffix, and per block length
  // (in practice one: a limiter's) what a batch of its checks sends.
  const compiled = new WeakMap<readonly CompiledRule[], RuleSet>();
  function ruleSet(rules: readonly CompiledRule[]): RuleSet {
    let set = compiled.get(rules);
    if (set === undefined) {
      set = { scripts: evaluateScriptsFor(rules), suffix: rules.map((rule) => rule.id).join(','), batches: new Map() };
      compiled.set(rules, set);
    }
    return set;
  }
  function batchOf(set: RuleSet, size: number, blockMs: number): BatchScript<RateLimitStoreResult> {
    let batch = set.batches.get(blockMs);
    if (batch === undefined) {
      batch = {
        one: set.scripts.one,
        many: set.scripts.many,
        shared: [String(blockMs)],
        decode: (reply, index, count) => parseReply(reply, size, index, count),
      };
      set.batches.set(blockMs, batch);
    }
    return batch;
  }

  // `rl:{user-1}:sw:100:60000`: one key per subject and rule set; the tag pins it to one Cluster slot.
  const keyOf = (prefix: string, key: string, set: RuleSet) =>
    hashTags ? `${prefix}{${key}}:${set.suffix}` : `${prefix}${key}:${set.suffix}`;
  const clientTime = time === 'client';

  return {
    // On a cluster the limiter keeps a breaker per master: a dead one costs its own subjects, nobody else's.
    ...(cluster
      ? {
          nodeOf: (prefix: string, key: string, rules: readonly CompiledRule[]) =>
            masterOf(client, keyOf(prefix, key, ruleSet(rules))) ?? '',
          checkPrefix: (prefix: string) => checkClusterPrefix(prefix, 'prefix', 'a rate limiter'),
        }
      : {}),
    evaluate(request) {
      const set = ruleSet(request.rules);
      const batch = batchOf(set, request.rules.length, request.blockMs);
      // As few arguments as the call needs (see EvaluateScripts): the cost, negative to peek; the block, alone
      // only when there is one; the time only at client time.
      const cost = String(request.consume ? request.cost : -request.cost);
      const key = keyOf(request.prefix, request.key, set);
      if (clientTime) {
        const now = String(request.now);
        return run(batch, key, [cost, String(request.blockMs), now], [cost, now]);
      }
      const keyArgs = [cost];
      return run(batch, key, request.blockMs > 0 ? [cost, String(request.blockMs)] : keyArgs, keyArgs);
    },
    async reset(prefix, key, rules) {
      await client.del(keyOf(prefix, key, ruleSet(rules)));
    },
    async block(prefix, key, rules, ms, clientNow) {
      const args = clientTime ? [String(ms), String(clientNow)] : [String(ms)];
      await runBufferScript(client, blockScript, [keyOf(prefix, key, ruleSet(rules))], args);
    },
  };
}

interface RuleSet {
  scripts: EvaluateScripts;
  /** The rules' ids, the last part of every key. */
  suffix: string;
  /** What a batch sends, per block length. */
  batches: Map<number, BatchScript<RateLimitStoreResult>>;
}

/**
 * Reads check `index` of the script's reply to `count` checks: per check, 3 + 3 per rule little-endian
 * doubles (see `rate-limit.lua.ts`).
 */
function parseReply(reply: unknown, ruleCount: number, index: number, count: number): RateLimitStoreResult {
  const size = 8 * (3 + ruleCount * 3);
  if (!Buffer.isBuffer(reply) || reply.length !== size * count) {
    throw new CacheError('ERR_CACHE_RATE_LIMIT_STORE', 'Unexpected reply from the rate-limit script');
  }
  const start = size * index;
  const rules: RateLimitStoreRuleResult[] = new Array(ruleCount);
  for (let offset = start + 24, rule = 0; rule < ruleCount; offset += 24, rule++) {
    const retryAfterMs = reply.readDoubleLE(offset + 16);
    rules[rule] = {
      allowed: retryAfterMs === 0,
      remaining: reply.readDoubleLE(offset),
      resetAt: reply.readDoubleLE(offset + 8),
      retryAfterMs,
    };
  }
  const verdict = reply.readDoubleLE(start);
  return {
    allowed: verdict === 1,
    now: reply.readDoubleLE(start + 8),
    blockedUntil: reply.readDoubleLE(start + 16),
    blocked: verdict === 2,
    rules,
  };
}
