/**
 * A Lua script run with `EVALSHA`; only when Redis answers `NOSCRIPT` (a restart, a failover, `SCRIPT FLUSH`)
 * is the source sent with `EVAL`, which caches it again. Built on the client's own `evalsha`/`eval`, so the
 * app's client is never changed.
 */
import { createHash } from 'node:crypto';

type Send = (script: string, numkeys: number, ...args: (string | number)[]) => Promise<unknown>;

/** What the Redis coordinator needs of a client: scripts and plain commands. An ioredis `Redis` or `Cluster` fits. */
export interface RedisScriptClient {
  evalsha: Send;
  eval: Send;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** A script with its SHA1 computed once. */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

/** Wraps Lua source for {@link runScript}. */
export function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** Runs `script` with `EVALSHA`, falling back to `EVAL` when the server does not have it. */
export async function runScript(
  client: RedisScriptClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}
