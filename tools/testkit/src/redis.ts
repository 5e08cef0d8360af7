import { Redis, type RedisOptions } from 'ioredis';
import { afterAll } from 'vitest';
import { CONNECT_TIMEOUT_MS } from './probe.ts';
import { serviceUrl, serviceVersion, uniqueName } from './services.ts';

export interface TestRedis {
  /** A connected client with no key prefix of its own: use `prefix` (or `key()`) for every key. */
  client: Redis;
  url: string;
  version: string;
  /** This file's key prefix, e.g. `t_m3k2_x81ab:`; every key under it is deleted afterwards. */
  prefix: string;
  /** `prefix + name`. */
  key(name: string): string;
  /** Another connected client (for pub/sub, blocking commands, a second "instance"); closed afterwards. */
  connect(options?: RedisOptions): Promise<Redis>;
  /** Deletes this file's keys and closes every client; registered with afterAll automatically. */
  cleanup(): Promise<void>;
}

/**
 * A real Redis for this test file. Call it at the top level of the file (top-level await) so
 * the afterAll cleanup is registered:
 *
 *   const redis = await testRedis();
 */
export async function testRedis(options: { tag?: string } = {}): Promise<TestRedis> {
  const url = serviceUrl('redis');
  const prefix = `${uniqueName(options.tag ?? 't')}:`;
  const clients = new Set<Redis>();

  async function connect(extra: RedisOptions = {}): Promise<Redis> {
    const client = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, ...extra });
    clients.add(client);
    await client.connect();
    return client;
  }

  const client = await connect();
  let cleaned = false;
  async function cleanup(): Promise<void> {
    if (cleaned) return;
    cleaned = true;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    await Promise.all([...clients].map((c) => c.quit().catch(() => c.disconnect())));
  }
  afterAll(cleanup);

  return {
    client,
    url,
    version: serviceVersion('redis'),
    prefix,
    key: (name) => `${prefix}${name}`,
    connect,
    cleanup,
  };
}
