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

/**
 * Runs `script` with `EVALSHA`, falling back to `EVAL` when the server does not know it. A plain function
 * returning the client's promise (with a rejection handler), not an `async` one: this sits on the hot path
 * of every rate-limit check, where each promise layer shows.
 */
export function runScript(
  client: ScriptClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const numkeys = keys.length;
  const params = [...keys, ...args];
  let reply: Promise<unknown>;
  try {
    reply = client.evalsha(script.sha1, numkeys, ...params);
  } catch (error) {
    return Promise.reject(error);
  }
  return reply.catch((error: unknown) => {
    if (!isNoScript(error)) throw error;
    return client.eval(script.source, numkeys, ...params);
  });
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
