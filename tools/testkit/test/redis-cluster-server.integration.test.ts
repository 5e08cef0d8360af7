import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { keySlot, keysPerMaster, portAnswers, redisClusterServer } from '../src/index.ts';

let startedInTest: number[] = [];
// Started outside a test: one cluster for the tests that leave it as they found it, stopped after the file.
const shared = await redisClusterServer();

/** `count` keys that all hash to the given master of the cluster. */
function keysOn(nodeOf: (key: string) => number, node: number, count: number, tag: string): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) if (nodeOf(`${tag}:${i}`) === node) keys.push(`${tag}:${i}`);
  return keys;
}

describe('redisClusterServer', () => {
  it('is stopped when the test that started it finishes', async () => {
    const cluster = await redisClusterServer();
    startedInTest = cluster.nodes.map((node) => node.port);
    expect(startedInTest).toHaveLength(3);
    for (const port of startedInTest) expect(await portAnswers('127.0.0.1', port)).toBe(true);
  });

  it('(the cluster of the test before is gone)', async () => {
    expect(startedInTest).toHaveLength(3);
    for (const port of startedInTest) expect(await portAnswers('127.0.0.1', port)).toBe(false);
  });

  it('starts 3 masters that split the slots, in order, and spread keys over all of them', async () => {
    const cluster = shared;
    const client = await cluster.connect();
    const slots = await client.cluster('SLOTS');
    expect(
      slots.map(([from, to, master]) => [from, to, master?.[1]]).sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual([
      [0, 5460, cluster.nodes[0]?.port],
      [5461, 10922, cluster.nodes[1]?.port],
      [10923, 16383, cluster.nodes[2]?.port],
    ]);
    await Promise.all(Array.from({ length: 300 }, (_, i) => client.set(`spread:${i}`, '1')));
    const counts = Object.values(await keysPerMaster(client, 'spread:*'));
    expect(counts).toHaveLength(3);
    expect(counts.reduce((a, b) => a + b)).toBe(300);
    for (const count of counts) expect(count).toBeGreaterThan(50);
  });

  it('nodeOf names the master that holds a key (CRC16 slot, hash tags included)', async () => {
    const cluster = shared;
    const keys = ['a', 'user:1', '{user}:1', 'x{user}y', '{}z', 'foo{}{bar}', 'é'];
    for (const key of keys) {
      const node = cluster.nodes[cluster.nodeOf(key)] as { url: string };
      const direct = new Redis(node.url);
      expect(Number(await direct.cluster('KEYSLOT', key))).toBe(keySlot(key));
      // The master that serves the slot takes the write; any other would answer MOVED.
      await expect(direct.set(key, '1')).resolves.toBe('OK');
      direct.disconnect();
    }
  });

  it('a killed master fails the calls on its slots only; restarted, it comes back empty and the cluster is ok', async () => {
    const cluster = await redisClusterServer({ requireFullCoverage: false });
    const client = await cluster.connect({ maxRedirections: 2, retryDelayOnClusterDown: 10 });
    client.on('error', () => {});
    const [onDead] = keysOn(cluster.nodeOf, 1, 1, 'dead');
    const [onLive] = keysOn(cluster.nodeOf, 0, 1, 'live');
    await client.set(onDead as string, 'before');
    await client.set(onLive as string, 'before');

    await cluster.nodes[1]?.kill();
    expect(await portAnswers('127.0.0.1', cluster.nodes[1]?.port as number)).toBe(false);
    await expect(client.get(onDead as string)).rejects.toThrow();
    expect(await client.get(onLive as string)).toBe('before');

    await cluster.nodes[1]?.restart();
    const seen = new Redis(cluster.nodes[2]?.url as string);
    expect(String(await seen.cluster('INFO'))).toContain('cluster_state:ok');
    seen.disconnect();
    expect(await client.get(onDead as string)).toBeNull();
    await client.set(onDead as string, 'after');
    expect(await client.get(onDead as string)).toBe('after');
    expect(await client.get(onLive as string)).toBe('before');
  });

  it('freeze() leaves a master unanswered until thaw()', async () => {
    const cluster = shared;
    const client = await cluster.connect({ redisOptions: { commandTimeout: 300 } });
    client.on('error', () => {});
    const [key] = keysOn(cluster.nodeOf, 2, 1, 'frozen');
    await client.set(key as string, 'v');
    cluster.nodes[2]?.freeze();
    await expect(client.get(key as string)).rejects.toThrow(/timed out/i);
    cluster.nodes[2]?.thaw();
    expect(await client.get(key as string)).toBe('v');
  });

  it('stop() kills every node', async () => {
    const cluster = await redisClusterServer();
    await cluster.stop();
    for (const node of cluster.nodes) expect(await portAnswers('127.0.0.1', node.port)).toBe(false);
  });
});
