import { Redis } from 'ioredis';
import pg from 'pg';

/** Connect timeouts: a service that is not there must fail the run in seconds, never hang it. */
export const CONNECT_TIMEOUT_MS = 3000;

/** Connects once (no retries, no offline queue) and returns the server's version. */
export async function redisVersion(url: string): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with a bare "Connection is closed"; the socket error says why.
  let socketError: Error | undefined;
  client.on('error', (error: Error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch (error) {
    throw socketError ?? error;
  } finally {
    client.disconnect();
  }
}

/** The seed URLs of a cluster, as REDIS_CLUSTER_URLS lists them (commas or spaces between). */
export function clusterUrls(urls: string): string[] {
  return urls.split(/[\s,]+/).filter(Boolean);
}

/**
 * Asks the first seed that answers whether it is a node of a healthy cluster, and returns its
 * version. A node with cluster support off, or a cluster that is not `ok`, is an error saying so.
 */
export async function redisClusterVersion(urls: string): Promise<string> {
  const seeds = clusterUrls(urls);
  if (seeds.length === 0) throw new Error('no URL given');
  let firstError: unknown;
  for (const seed of seeds) {
    const client = new Redis(seed, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    let socketError: Error | undefined;
    client.on('error', (error: Error) => {
      socketError ??= error;
    });
    try {
      await client.connect();
    } catch (error) {
      firstError ??= socketError ?? error;
      client.disconnect();
      continue;
    }
    try {
      const info = await client.info('server');
      const cluster = await client.call('CLUSTER', 'INFO').catch((error: Error) => {
        throw new Error(`${seed} is not a cluster node (${error.message})`);
      });
      const state = /cluster_state:(\w+)/.exec(String(cluster))?.[1];
      if (state !== 'ok') throw new Error(`${seed} says cluster_state:${state ?? 'unknown'}`);
      return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    } finally {
      client.disconnect();
    }
  }
  throw firstError;
}

/** Connects once and returns the server's version (`SHOW server_version`). */
export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end().catch(() => {});
  }
}
