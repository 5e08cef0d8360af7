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
