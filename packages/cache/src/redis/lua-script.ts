/**
 * A Lua script run with one `EVALSHA` per call. Only when Redis answers `NOSCRIPT` (a restart, a
 * failover, a `SCRIPT FLUSH`) is the source sent with `EVAL`, which also caches it again. Written on
 * top of the client's plain `evalsha`/`eval` rather than ioredis' `defineCommand`, so the app's client
 * is never mutated and any client with those two methods fits.
 */
import { createHash } from 'node:crypto';

/** The two commands a client needs to run scripts; an ioredis `Redis` or `Cluster` fits. */
export interface ScriptClient {
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
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

/** Runs `script` with `EVALSHA`, falling back to `EVAL` when the server does not know it. */
export async function runScript(
  client: ScriptClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
