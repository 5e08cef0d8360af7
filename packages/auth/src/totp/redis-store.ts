/**
 * The Redis second-factor store: one key per user and concern, so users spread over every master of a cluster.
 * The step claim is one Lua script (compare and set in one step); a recovery code is consumed by one `SREM`,
 * which Redis runs atomically: of racing callers, one removes it.
 */
import { AuthError, check, invalidOption } from '../errors.ts';
import { script as redisScript, run as runRedisScript, type ScriptClient } from '../redis/client.ts';
import type { TwoFactorStore } from './store.ts';

/** The parts of an ioredis `Redis` or `Cluster` the store uses. */
export interface TwoFactorRedisClient extends ScriptClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link redisTwoFactorStore}. */
export interface RedisTwoFactorStoreOptions {
  /** An ioredis `Redis` or `Cluster`; the app's own, never modified. Required. */
  client: TwoFactorRedisClient;
  /** Prefix of every key. @default 'auth:2fa:' */
  prefix?: string;
}

// KEYS[1] last step; ARGV[1] step, ARGV[2] ttl ms. 1 when this call claimed the step.
const claimScript = redisScript(`
local last = redis.call('GET', KEYS[1])
if last and tonumber(last) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

// KEYS[1] the user's code set; ARGV the new hashes. Old set and new set never coexist.
const replaceScript = redisScript(`
redis.call('DEL', KEYS[1])
if #ARGV > 0 then redis.call('SADD', KEYS[1], unpack(ARGV)) end
return #ARGV
`);

/** A {@link TwoFactorStore} on Redis (one node or a cluster). */
export function redisTwoFactorStore(options: RedisTwoFactorStoreOptions): TwoFactorStore {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const client = options.client;
  if (typeof client?.evalsha !== 'function' || typeof client.call !== 'function') {
    throw invalidOption('client', 'must be an ioredis Redis or Cluster (evalsha, eval and call)');
  }
  const prefix = check.string(options.prefix, 'prefix', 'auth:2fa:');

  async function send<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new AuthError('ERR_AUTH_STORE_UNAVAILABLE', `Redis could not ${what}`, { status: 503, cause: error });
    }
  }

  return {
    claimTotpStep: (userId, step, ttl) =>
      send('claim a TOTP step', async () => {
        const won = await runRedisScript(client, claimScript, [`${prefix}totp:${userId}`], [step, Math.max(1, ttl)]);
        return Number(won) === 1;
      }),
    replaceRecoveryCodes: (userId, hashes) =>
      send('replace recovery codes', async () => {
        await runRedisScript(client, replaceScript, [`${prefix}rc:${userId}`], hashes);
      }),
    consumeRecoveryCode: (userId, hash) =>
      send(
        'consume a recovery code',
        async () => Number(await client.call('SREM', `${prefix}rc:${userId}`, hash)) === 1,
      ),
    countRecoveryCodes: (userId) =>
      send('count recovery codes', async () => Number(await client.call('SCARD', `${prefix}rc:${userId}`))),
  };
}
