/**
 * @infra/auth part 1: access-token verification against raw `jose.jwtVerify` on the same Ed25519 key and the
 * same token (ours adds the RFC 9068 checks, the key lookup by kid, and the revocation read on the memory
 * store), and refresh-token rotation (`tokens.refresh`: one atomic store call, the successor sealed, an access
 * token signed) on Redis and PostgreSQL at concurrency 1 and 32. No library rotates refresh tokens with reuse
 * detection, so rotation is set against the floor of its store, one bare round trip (Redis PING, PostgreSQL
 * `SELECT 1`) at the same concurrency, and the note gives the round trips per refresh, counted on the wire.
 */
import { createKeyRing, createTokens, type Tokens } from '@infra/auth';
import { migrate, postgresStore } from '@infra/auth/postgres';
import { redisStore } from '@infra/auth/redis';
import { Redis } from 'ioredis';
import { exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import pg from 'pg';
import { redisUrl, removeKeys } from '../src/redis.ts';
import { defineScenario } from '../src/scenario.ts';

const issuer = 'https://id.bench.test';
const audience = 'api';
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `bench:auth:${process.pid}:`;
const schema = `bench_auth_${process.pid}`;
const kek = { current: 'v1', keys: { v1: 'b'.repeat(43) } };

/** Families enough that no two concurrent callers ever hold the same token. */
async function chains(tokens: Tokens, count: number): Promise<() => Promise<void>> {
  const current: string[] = [];
  for (let i = 0; i < count; i++) current.push((await tokens.issueTokens(`bench-${i}`)).refreshToken);
  return async () => {
    const token = current.pop() as string;
    current.unshift((await tokens.refresh(token)).refreshToken);
  };
}

export default defineScenario({
  name: 'auth',
  ours: '@infra/auth',
  peer: 'jose',
  description: 'verifyAccessToken vs jose.jwtVerify; refresh rotation on Redis and PostgreSQL at c=1 and c=32',
  async run(bench) {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const keys = createKeyRing({ keys: [{ kid: 'bench', alg: 'EdDSA', privateKey: await exportPKCS8(privateKey) }] });
    const tokens = createTokens({ issuer, audience, keys });
    const unchecked = createTokens({ issuer, audience, keys, checkRevocation: false });
    const token = await tokens.issueAccessToken('user-1', { claims: { scope: 'read' } });
    const options = { issuer, audience, algorithms: ['EdDSA'], typ: 'at+jwt' };
    // One call at a time, alternating call by call: the two sides differ by less than the machine drifts.
    await bench.compareSequential('verifyAccessToken (revocation read on the memory store)', {
      ours: () => tokens.verifyAccessToken(token),
      peer: () => jwtVerify(token, publicKey, options),
    });
    await bench.compareSequential('verifyAccessToken (checkRevocation: false)', {
      ours: () => unchecked.verifyAccessToken(token),
      peer: () => jwtVerify(token, publicKey, options),
    });

    // Redis: one connection for the store, one for the baseline; calls counted on the store's.
    const redis = new Redis(redisUrl);
    const baseline = new Redis(redisUrl);
    let redisCalls = 0;
    const counted = {
      call(command: string, ...args: (string | number)[]) {
        redisCalls++;
        return redis.call(command, ...args);
      },
      evalsha(...args: Parameters<Redis['evalsha']>) {
        redisCalls++;
        return redis.evalsha(...args);
      },
      eval(...args: Parameters<Redis['eval']>) {
        redisCalls++;
        return redis.eval(...args);
      },
    };
    const onRedis = redisStore({ client: counted, prefix });
    const redisTokens = createTokens({
      issuer,
      audience,
      keys: createKeyRing({ store: onRedis, kek }),
      store: onRedis,
    });
    const redisPing = bench.against('ioredis PING (one round trip)');
    for (const concurrency of [1, 32]) {
      const refresh = await chains(redisTokens, concurrency * 2);
      // Counted after a warm-up call, which may also load the script (NOSCRIPT, then EVAL) once.
      await refresh();
      redisCalls = 0;
      for (let i = 0; i < 100; i++) await refresh();
      const perCall = redisCalls / 100;
      await redisPing.compare(
        `refresh rotation on Redis (c=${concurrency})`,
        { ours: refresh, peer: () => baseline.ping() },
        { concurrency, rounds: 5 },
      );
      redisPing.record(
        `Redis round trips per refresh (c=${concurrency})`,
        'count',
        perCall,
        1,
        'commands sent per tokens.refresh()',
      );
    }
    await removeKeys(redis, `${prefix}*`);
    await Promise.all([redis.quit(), baseline.quit()]);

    // PostgreSQL: a pool of 32 for the store, another for the baseline; queries counted on the store's.
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 32 });
    const basePool = new pg.Pool({ connectionString: postgresUrl, max: 32 });
    let queries = 0;
    const countedPool = {
      query(text: string, values?: unknown[]) {
        queries++;
        return pool.query(text, values);
      },
      connect: () => pool.connect(),
    };
    try {
      await migrate({ pool, schema });
      const onPostgres = postgresStore({ pool: countedPool, schema });
      const pgTokens = createTokens({
        issuer,
        audience,
        keys: createKeyRing({ store: onPostgres, kek }),
        store: onPostgres,
      });
      const select1 = bench.against('pg SELECT 1 (one round trip)');
      for (const concurrency of [1, 32]) {
        const refresh = await chains(pgTokens, concurrency * 2);
        await refresh();
        queries = 0;
        for (let i = 0; i < 100; i++) await refresh();
        const perCall = queries / 100;
        await select1.compare(
          `refresh rotation on PostgreSQL (c=${concurrency})`,
          { ours: refresh, peer: () => basePool.query('SELECT 1') },
          { concurrency, rounds: 5 },
        );
        select1.record(
          `PostgreSQL round trips per refresh (c=${concurrency})`,
          'count',
          perCall,
          1,
          'queries per tokens.refresh()',
        );
      }
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all([pool.end(), basePool.end()]);
    }
  },
});
