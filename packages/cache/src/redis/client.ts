/**
 * The parts of an ioredis client the cache uses, as structural types: any ioredis 5 `Redis`
 * (or `Cluster`) fits, and so does a compatible client of another version.
 */

import { CacheError } from '../errors.ts';
import type { ScriptClient } from './lua-script.ts';

/**
 * Sends raw commands and scripts. With `status`, `on`/`off` (ioredis) the cache knows when the connection is
 * up: it waits for it (when the offline queue is off) and replays what a blip made it miss.
 */
export interface RedisCommandClient extends ScriptClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis: `'ready'` when connected. */
  readonly status?: string;
  /** ioredis: `true` for a `Cluster`, whose scripts may only touch keys of one slot. */
  readonly isCluster?: boolean;
  /**
   * ioredis: `enableOfflineQueue: false` means commands sent while disconnected fail at once; on a `Cluster`,
   * `scaleReads` and `keyPrefix` are checked at construction (see `redisStore`).
   */
  readonly options?: {
    readonly enableOfflineQueue?: boolean | undefined;
    readonly scaleReads?: unknown;
    readonly keyPrefix?: unknown;
    readonly redisOptions?: { readonly keyPrefix?: unknown } | undefined;
  };
  /** ioredis `Cluster`: per slot, the `host:port` of its master first. */
  readonly slots?: readonly (readonly string[] | undefined)[];
  on?(event: 'ready', listener: () => void): unknown;
  off?(event: 'ready', listener: () => void): unknown;
}

/** A client dedicated to subscriptions (pub/sub needs its own connection). */
export interface RedisSubscriberClient {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'ready' | 'close', listener: () => void): unknown;
  readonly status?: string;
  /** ioredis: `true` for a `Cluster`, whose subscription moves to another node when its node dies. */
  readonly isCluster?: boolean;
}

/** Throws at once when the client is not connected, instead of letting ioredis queue the command. */
export function assertReady(client: { readonly status?: string }, what: string): void {
  if (client.status !== undefined && client.status !== 'ready') {
    throw new CacheError('ERR_CACHE_STORE_UNAVAILABLE', `${what}: the Redis client is ${client.status}, not ready`);
  }
}
