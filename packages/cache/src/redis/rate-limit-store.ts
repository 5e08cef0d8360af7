/**
 * `redisRateLimitStore`: every rule of a request is read, decided and (only if all allow) written by one
 * Lua script in one round trip, at Redis server time, so neither concurrent callers nor skewed app
 * clocks can let more through than the rules say.
 */
import { CacheError } from '../errors.ts';
import type { CompiledRule } from '../rate-limit/rules.ts';
import type { RateLimitStore, RateLimitStoreResult, RateLimitStoreRuleResult } from '../rate-limit/store.ts';
import { type LuaScript, runScript, type ScriptClient } from './lua-script.ts';
import { blockScript, evaluateScriptFor } from './rate-limit.lua.ts';

/** What the Redis rate-limit store needs of a client: scripts and `DEL` (an ioredis `Redis` or `Cluster`). */
export interface RateLimitRedisClient extends ScriptClient {
  del(...keys: string[]): Promise<number>;
}

/** Options of {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /**
   * An ioredis client (or anything with `evalsha`, `eval` and `del`). Create it with
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
   * Whose clock decides windows. `'server'` reads Redis `TIME` inside the script, so app servers with
   * skewed clocks agree. `'client'` uses the limiter's `clock` option instead: for deterministic tests
   * against a real Redis, or replaying recorded traffic.
   * @default 'server'
   */
  time?: 'server' | 'client';
}

/** A rate-limit store on Redis: one `EVALSHA` per check, Redis server time, keys that expire by themselves. */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const client = options?.client;
  if (typeof client?.evalsha !== 'function' || typeof client.eval !== 'function' || typeof client.del !== 'function') {
    throw invalid('client', 'must be an ioredis client (or have evalsha, eval and del)');
  }
  const hashTags = options.hashTags ?? true;
  if (typeof hashTags !== 'boolean') throw invalid('hashTags', 'must be a boolean');
  const time = options.time ?? 'server';
  if (time !== 'server' && time !== 'client') throw invalid('time', "must be 'server' or 'client'");

  // Per rule set (a limiter's rules array), built once: its generated script and its key suffix.
  const compiled = new WeakMap<readonly CompiledRule[], RuleSet>();
  function ruleSet(rules: readonly CompiledRule[]): RuleSet {
    let set = compiled.get(rules);
    if (set === undefined) {
      set = { script: evaluateScriptFor(rules), suffix: rules.map((rule) => rule.id).join(','), size: rules.length };
      compiled.set(rules, set);
    }
    return set;
  }

  // `rl:{user-1}:sw:100:60000`: one key per subject and rule set; the tag pins it to one Cluster slot.
  const keyOf = (prefix: string, key: string, set: RuleSet) =>
    hashTags ? `${prefix}{${key}}:${set.suffix}` : `${prefix}${key}:${set.suffix}`;
  const clientTime = time === 'client';

  return {
    evaluate(request) {
      const set = ruleSet(request.rules);
      // ARGV: the cost (negative to peek), then the block and the time only when needed (see the script).
      const cost = String(request.consume ? request.cost : -request.cost);
      const args = clientTime
        ? [cost, String(request.blockMs), String(request.now)]
        : request.blockMs > 0
          ? [cost, String(request.blockMs)]
          : [cost];
      return runScript(client, set.script, [keyOf(request.prefix, request.key, set)], args).then((reply) =>
        parseReply(reply, set.size),
      );
    },
    async reset(prefix, key, rules) {
      await client.del(keyOf(prefix, key, ruleSet(rules)));
    },
    async block(prefix, key, rules, ms, clientNow) {
      const args = clientTime ? [String(ms), String(clientNow)] : [String(ms)];
      await runScript(client, blockScript, [keyOf(prefix, key, ruleSet(rules))], args);
    },
  };
}

interface RuleSet {
  script: LuaScript;
  /** The rules' ids, the last part of every key. */
  suffix: string;
  size: number;
}

/** Decodes the script's flat reply (see `rate-limit.lua.ts`). */
function parseReply(reply: unknown, ruleCount: number): RateLimitStoreResult {
  if (!Array.isArray(reply) || reply.length !== 3 + ruleCount * 3) {
    throw new CacheError('ERR_CACHE_RATE_LIMIT_STORE', 'Unexpected reply from the rate-limit script');
  }
  const numbers = reply as number[];
  const rules: RateLimitStoreRuleResult[] = new Array(ruleCount);
  for (let i = 3, rule = 0; rule < ruleCount; i += 3, rule++) {
    const retryAfterMs = numbers[i + 2] as number;
    rules[rule] = {
      allowed: retryAfterMs === 0,
      remaining: numbers[i] as number,
      resetAt: numbers[i + 1] as number,
      retryAfterMs,
    };
  }
  const verdict = numbers[0];
  return {
    allowed: verdict === 1,
    now: numbers[1] as number,
    blockedUntil: numbers[2] as number,
    blocked: verdict === 2,
    rules,
  };
}

function invalid(option: string, problem: string): CacheError {
  return new CacheError('ERR_CACHE_INVALID_OPTION', `Invalid option "${option}": ${problem}`);
}
