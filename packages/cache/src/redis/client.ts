/**
 * The parts of an ioredis client the cache uses, as structural types: any ioredis 5 `Redis`
 * (or `Cluster`) fits, and so does a compatible client of another version.
 */

import type { ScriptClient } from './lua-script.ts';

/** Sends raw commands and scripts. `status` (ioredis: `'ready'` when connected) lets the cache fail fast instead of queueing. */
export interface RedisCommandClient extends ScriptClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  readonly status?: string;
  /** ioredis: `true` for a `Cluster`, whose scripts may only touch keys of one slot. */
  readonly isCluster?: boolean;
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
}
