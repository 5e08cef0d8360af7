import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { freePort, portAnswers, redisServer } from '../src/index.ts';

let startedInTest = 0;

describe('redisServer', () => {
  it('is stopped when the test that started it finishes', async () => {
    startedInTest = (await redisServer()).port;
    expect(await portAnswers('127.0.0.1', startedInTest)).toBe(true);
  });

  it('(the server of the test before is gone)', async () => {
    expect(startedInTest).toBeGreaterThan(0);
    expect(await portAnswers('127.0.0.1', startedInTest)).toBe(false);
  });

  it('starts a throwaway Redis, kills it, and restarts it empty on the same port', async () => {
    const server = await redisServer();
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');

    await server.kill();
    expect(await portAnswers('127.0.0.1', server.port)).toBe(false);

    await server.restart();
    const again = new Redis(server.url);
    expect(await again.get('k')).toBeNull();
    again.disconnect();
    client.disconnect();
  });

  it('freeze() leaves the port open but unanswered until thaw()', async () => {
    const server = await redisServer();
    const client = new Redis(server.url, { commandTimeout: 300, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    expect(await client.ping()).toBe('PONG');
    server.freeze();
    await expect(client.ping()).rejects.toThrow(/timed out/i);
    server.thaw();
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});

describe('freePort', () => {
  it('gives a port nothing listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await portAnswers('127.0.0.1', port)).toBe(false);
  });
});
