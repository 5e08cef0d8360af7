import { Cluster, type ClusterOptions, type Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { keySlot } from './key-slot.ts';
import { CONNECT_TIMEOUT_MS, clusterUrls } from './probe.ts';
import { serviceUrl, serviceVersion, uniqueName } from './services.ts';

/** A master as `host:port`, the key of {@link keysPerMaster}'s answer. */
export type MasterAddress = `${string}:${number}`;

export interface TestRedisCluster {
  /** A connected ioredis `Cluster` with no key prefix of its own: use `prefix` (or `key()`) for every key. */
  client: Cluster;
  /** The seed URLs the cluster was found at (REDIS_CLUSTER_URLS, or the local 7001-7003). */
  urls: string[];
  version: string;
  /**
   * This file's key prefix, e.g. `t_m3k2_x81ab:`. It has no `{hash tag}`, so keys under it spread over
   * every master; every key under it, on every master, is deleted afterwards.
   */
  prefix: string;
  /** `prefix + name`. */
  key(name: string): string;
  /** Another connected `Cluster` (a second "instance", pub/sub); disconnected afterwards. */
  connect(options?: ClusterOptions): Promise<Cluster>;
  /** The master that serves `key`'s slot, as the client's slot table has it. */
  masterOf(key: string): MasterAddress;
  /** How many of this file's keys (or those matching `match`) each master holds. */
  keysPerMaster(match?: string): Promise<Record<MasterAddress, number>>;
  /** Deletes this file's keys on every master and closes every client; registered with afterAll automatically. */
  cleanup(): Promise<void>;
}

/**
 * A real Redis Cluster for this test file. Call it at the top level of the file (top-level await) so
 * the afterAll cleanup is registered:
 *
 *   const cluster = await redisCluster();
 */
export async function testRedisCluster(options: { tag?: string } = {}): Promise<TestRedisCluster> {
  const urls = clusterUrls(serviceUrl('redisCluster'));
  const prefix = `${uniqueName(options.tag ?? 't')}:`;
  const clients = new Set<Cluster>();

  async function connect(extra: ClusterOptions = {}): Promise<Cluster> {
    const client = connectCluster(urls, extra);
    clients.add(client);
    await client.connect();
    return client;
  }

  const client = await connect();
  let cleaned = false;
  async function cleanup(): Promise<void> {
    if (cleaned) return;
    cleaned = true;
    await Promise.all(
      client.nodes('master').map(async (node) => {
        const keys = await scanAll(node, `${prefix}*`);
        // One UNLINK per key: keys of one master may sit in different slots, and a multi-key command must not.
        for (let i = 0; i < keys.length; i += 500) {
          await node.pipeline(keys.slice(i, i + 500).map((key) => ['unlink', key])).exec();
        }
      }),
    );
    await Promise.all([...clients].map((c) => c.quit().catch(() => c.disconnect())));
  }
  afterAll(cleanup);

  return {
    client,
    urls,
    version: serviceVersion('redisCluster'),
    prefix,
    key: (name) => `${prefix}${name}`,
    connect,
    masterOf: (key) => {
      const master = client.slots[keySlot(key)]?.[0];
      if (!master) throw new Error(`no master serves the slot of ${key} (is the client connected?)`);
      return master as MasterAddress;
    },
    keysPerMaster: (match = `${prefix}*`) => keysPerMaster(client, match),
    cleanup,
  };
}

/** An ioredis `Cluster` on the given seed URLs (not yet connected: `lazyConnect`). */
export function connectCluster(urls: readonly string[], options: ClusterOptions = {}): Cluster {
  const seeds = urls.map((url) => {
    const { hostname, port } = new URL(url);
    return { host: hostname, port: Number(port || 6379) };
  });
  const first = new URL(urls[0] ?? 'redis://127.0.0.1');
  return new Cluster(seeds, {
    lazyConnect: true,
    ...options,
    redisOptions: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...options.redisOptions,
    },
  });
}

/**
 * How many keys matching `match` each master of the cluster holds (every master is listed, with 0 when
 * it holds none): what a test counts to show that keys spread over the cluster.
 */
export async function keysPerMaster(client: Cluster, match = '*'): Promise<Record<MasterAddress, number>> {
  const counts: Record<MasterAddress, number> = {};
  await Promise.all(
    client.nodes('master').map(async (node) => {
      counts[`${node.options.host ?? '127.0.0.1'}:${node.options.port ?? 6379}`] = (await scanAll(node, match)).length;
    }),
  );
  return counts;
}

/** Every key of one node matching `match`, each once (SCAN may repeat a key). */
async function scanAll(node: Redis, match: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...keys];
}
