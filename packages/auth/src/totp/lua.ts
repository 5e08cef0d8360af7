/**
 * A Lua script run with `EVALSHA`, sending the source with `EVAL` only when Redis answers `NOSCRIPT` (a restart, a
 * failover, `SCRIPT FLUSH`). Built on the client's plain `evalsha`/`eval`, so the app's client is never modified.
 */
import { createHash } from 'node:crypto';

type Send = (script: string, numkeys: number, ...args: (string | number)[]) => Promise<unknown>;

/** The two commands a client needs to run scripts; an ioredis `Redis` or `Cluster` fits. */
export interface RedisScriptClient {
  evalsha: Send;
  eval: Send;
}

/** A script with its SHA1 computed once. */
export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
}

export function redisScript(source: string): RedisScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

export async function runRedisScript(
  client: RedisScriptClient,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}
