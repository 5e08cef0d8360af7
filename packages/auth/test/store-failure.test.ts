/**
 * A store that fails (here a real ioredis client whose server is not there, offline queue off, so each command
 * fails at once) turns into ERR_AUTH_STORE_UNAVAILABLE (503) with the cause, never into a 401.
 */
import { freePort } from '@infra/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyRing, createSessions, createTokens } from '../src/index.ts';
import { redisStore } from '../src/redis/index.ts';
import { pemPair } from './support/keys.ts';

const client = new Redis({
  port: await freePort(),
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
});
afterAll(() => client.disconnect());
const store = redisStore({ client });
const pem = await pemPair();
const tokens = createTokens({
  issuer: 'i',
  audience: 'a',
  keys: createKeyRing({ keys: [{ privateKey: pem.privateKey }] }),
  store,
});

describe('a store that is down', () => {
  it('makes verifyAccessToken reject with ERR_AUTH_STORE_UNAVAILABLE, status 503, the cause kept', async () => {
    const token = await tokens.issueAccessToken('u1');
    const error = await tokens.verifyAccessToken(token).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_AUTH_STORE_UNAVAILABLE', status: 503 });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('makes refresh and a session check reject the same way', async () => {
    const sessions = createSessions({ store });
    await expect(tokens.refresh(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).rejects.toMatchObject({
      code: 'ERR_AUTH_STORE_UNAVAILABLE',
    });
    await expect(sessions.validate(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).rejects.toMatchObject({
      code: 'ERR_AUTH_STORE_UNAVAILABLE',
    });
  });
});
