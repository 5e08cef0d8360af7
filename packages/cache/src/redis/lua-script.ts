/**
 * A Lua script run with one `EVALSHA` per call. Only when Redis answers `NOSCRIPT` (a restart, a
 * failover, a `SCRIPT FLUSH`) is the source sent with `EVAL`, which also caches it again. Written on
 * top of the client's plain `evalsha`/`eval` rather than ioredis' `defineCommand`, so the app's client
 * is never mutated and any client with those two methods fits.
 */
import { createHash } from 'node:crypto';

type Send<Reply> = (script: string, numkeys: number, ...args: (string | number)[]) => Promise<Reply>;

/** The two commands a client needs to run scripts; an ioredis `Redis` or `Cluster` fits. */
export interface ScriptClient {
  evalsha: Send<unknown>;
  eval: Send<unknown>;
}

/**
 * Any command, answered with the reply's raw bytes (ioredis' `callBuffer`), for scripts that reply with
 * packed binary data rather than text or integers.
 */
export interface BufferScriptClient {
  callBuffer(command: string, ...args: (string | number)[]): Promise<unknown>;
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
export function runScript(
  client: ScriptClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  return send(client, client.evalsha, client.eval, script, keys, args);
}

/** {@link runScript} for a script whose reply is binary: resolves with its bytes (a `Buffer`). */
export function runBufferScript(
  client: BufferScriptClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  return send(
    client,
    (...params) => client.callBuffer('EVALSHA', ...params),
    (...params) => client.callBuffer('EVAL', ...params),
    script,
    keys,
    args,
  );
}

/**
 * A plain function returning the client's promise (with a rejection handler), not an `async` one: this
 * sits on the hot path of every rate-limit check, where each promise layer shows.
 */
function send<Reply>(
  client: object,
  byHash: Send<Reply>,
  bySource: Send<Reply>,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<Reply> {
  const numkeys = keys.length;
  const params = [...keys, ...args];
  let reply: Promise<Reply>;
  try {
    reply = byHash.call(client, script.sha1, numkeys, ...params);
  } catch (error) {
    return Promise.reject(error);
  }
  return reply.catch((error: unknown) => {
    if (!isNoScript(error)) throw error;
    return bySource.call(client, script.source, numkeys, ...params);
  });
}

/** Whether Redis refused an `EVALSHA` because it does not have the script (it needs the source once). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
