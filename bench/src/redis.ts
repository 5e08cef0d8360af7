/**
 * Redis for the scenarios that need one: the same server for ours and the peer, from REDIS_URL or the
 * usual local port. Each scenario uses its own key prefix and removes its keys when done.
 */
import type { Redis } from 'ioredis';

/** The Redis every scenario measures against. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key matching `pattern` (SCAN + UNLINK, no KEYS). */
export async function removeKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
