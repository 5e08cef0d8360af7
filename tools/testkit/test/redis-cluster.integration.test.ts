import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { findService } from '../src/discover.ts';
import { ServiceUnavailableError } from '../src/errors.ts';
import { redis, redisCluster, serviceUrl } from '../src/index.ts';

const c = await redisCluster({ tag: 'testkit' });

describe('the shared Redis Cluster', () => {
  it('is a cluster of 3 masters that are all ok', async () => {
    console.log(`[testkit] connected to Redis Cluster ${c.version} (${c.urls.join(',')})`);
    expect(c.client.nodes('master')).toHaveLength(3);
    expect(String(await c.client.cluster('INFO'))).toContain('cluster_state:ok');
  });

  it('gives each file a prefix without a hash tag, so its keys spread over every master', async () => {
    expect(c.prefix).toMatch(/^testkit_[a-z0-9]+_[a-z0-9]+:$/);
    await Promise.all(Array.from({ length: 300 }, (_, i) => c.client.set(c.key(`spread:${i}`), '1', 'PX', 60_000)));
    const counts = await c.keysPerMaster(`${c.prefix}spread:*`);
    expect(Object.keys(counts)).toHaveLength(3);
    expect(Object.values(counts).reduce((a, b) => a + b)).toBe(300);
    for (const count of Object.values(counts)) expect(count).toBeGreaterThan(50);
  });

  it('masterOf names the master that holds a key, as keysPerMaster counts it', async () => {
    await c.client.set(c.key('one'), '1', 'PX', 60_000);
    const counts = await c.keysPerMaster(c.key('one'));
    expect(Object.entries(counts).filter(([, count]) => count === 1)).toEqual([[c.masterOf(c.key('one')), 1]]);
  });

  it('gives a second Cluster client on the same cluster', async () => {
    const other = await c.connect();
    await other.set(c.key('from-other'), '1');
    expect(await c.client.get(c.key('from-other'))).toBe('1');
  });

  it('cleanup deletes the keys on every master and closes the clients', async () => {
    const own = await redisCluster({ tag: 'cleanup' });
    const observer = await c.connect();
    await Promise.all(Array.from({ length: 60 }, (_, i) => own.client.set(own.key(String(i)), '1')));
    const before = await own.keysPerMaster();
    expect(Object.values(before).filter((count) => count > 0)).toHaveLength(3);

    await own.cleanup();

    const after = await Promise.all(observer.nodes('master').map((node) => node.keys(`${own.prefix}*`)));
    expect(after.flat()).toEqual([]);
    expect(own.client.status).toBe('end');
  });
});

describe('finding a cluster', () => {
  it('REDIS_CLUSTER_URLS naming a single Redis (cluster support off) is refused, saying so', async () => {
    const single = serviceUrl('redis');
    const error = await findService('redisCluster', { REDIS_CLUSTER_URLS: single }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toContain(`REDIS_CLUSTER_URLS=${single}`);
    expect((error as Error).message).toMatch(/is not a cluster node \(.*cluster support disabled/);
  });

  it('REDIS_CLUSTER_URLS is used as given: the first seed that answers decides', async () => {
    const urls = `redis://127.0.0.1:1,${c.urls.join(',')}`;
    const found = await findService('redisCluster', { REDIS_CLUSTER_URLS: urls });
    expect(found).toMatchObject({ source: 'env', url: urls, version: c.version });
  });

  it('a single Redis is still found next to it', async () => {
    const r = await redis({ tag: 'beside' });
    expect(r.client).toBeInstanceOf(Redis);
    expect(await r.client.ping()).toBe('PONG');
  });
});
