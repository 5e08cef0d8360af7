// The parts of an ioredis client the store uses, as structural types (an ioredis 5 `Redis` or `Cluster` fits),
// and scripts run with EVALSHA, falling back to EVAL when Redis answers NOSCRIPT (a restart, a failover, a
// SCRIPT FLUSH). The app's client is never modified (no defineCommand).
import { createHash } from 'node:crypto';

type Send = (script: string, numkeys: number, ...args: (string | number)[]) => Promise<unknown>;

/** What `redisStore` needs of its client: raw commands and scripts. */
export interface AuthRedisClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  evalsha: Send;
  eval: Send;
}

/** The two commands a client needs to run scripts; an ioredis `Redis` or `Cluster` fits. */
export type ScriptClient = Pick<AuthRedisClient, 'evalsha' | 'eval'>;

/** A Lua script with its SHA1. */
export interface Script {
  readonly source: string;
  readonly sha1: string;
}

/** Wraps Lua source, computing its SHA1 once. */
export function script(source: string): Script {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** Runs `lua` in one round trip (two the first time a server meets it). */
export async function run(
  client: ScriptClient,
  lua: Script,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(lua.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(lua.source, keys.length, ...keys, ...args);
  }
}
