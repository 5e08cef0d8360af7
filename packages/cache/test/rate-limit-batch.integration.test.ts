/**
 * The Redis rate-limit store's batching (checks of one tick sent as one script call) and its server clock (the
 * key's exact expiry minus PTTL, or TIME), on real Redis.
 */
import { redis, redisServer } from '@infra/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRateLimiter, type RateLimitRule } from '../src/index.ts';
import { type RateLimitRedisClient, redisRateLimitStore } from '../src/redis/index.ts';

const r = await redis();

/** Every script call sent, as the command and how many keys (checks) it carried. */
type Traffic = string[];

/** `client` with every command recorded; `extra` adds or overrides properties. */
function recorded(client: Redis, extra: object = {}): { client: RateLimitRedisClient; traffic: Traffic } {
  const traffic: Traffic = [];
  const wrapped = {
    callBuffer: (command: string, ...args: (string | number)[]) => {
      traffic.push(`${command} ${args[1]}`);
      return client.callBuffer(command, ...args);
    },
    del: (...keys: string[]) => client.del(...keys),
    ...extra,
  };
  return { client: wrapped, traffic };
}

const fixed: RateLimitRule = { algorithm: 'fixed-window', limit: 100, window: '1h' };

/** Loads both of the limiters' scripts (EVALSHA answers NOSCRIPT once on a fresh Redis), then forgets the traffic. */
async function warm(traffic: Traffic, ...limiters: ReturnType<typeof createRateLimiter>[]): Promise<void> {
  // Three at once: the first goes alone (the one-key script), the other two together (the many-key script).
  for (const limiter of limiters) await Promise.all(Array.from({ length: 3 }, () => limiter.peek('warm-up')));
  traffic.length = 0;
}

describe('batching', () => {
  it('sends the first check of a tick alone and the rest 16 to a script call, with every answer right', async () => {
    const { client, traffic } = recorded(r.client);
    const limiter = createRateLimiter({ store: redisRateLimitStore({ client }), prefix: r.key('b64:'), limits: fixed });
    await warm(traffic, limiter);
    const results = await Promise.all(Array.from({ length: 64 }, () => limiter.consume('shared')));
    expect(traffic).toEqual(['EVALSHA 1', 'EVALSHA 16', 'EVALSHA 16', 'EVALSHA 16', 'EVALSHA 15']);
    expect(results.every((result) => result.allowed && result.reason === 'within-limit')).toBe(true);
    // The checks ran in the order they were made, each seeing the state the one before it left.
    expect(results.map((result) => result.remaining)).toEqual(Array.from({ length: 64 }, (_, i) => 99 - i));
    expect(await limiter.peek('shared')).toMatchObject({ remaining: 36 });
  });

  it('150 checks at once against a limit of 100 through one client → exactly 100 allowed', async () => {
    const { client, traffic } = recorded(r.client);
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client }),
      prefix: r.key('b150:'),
      limits: fixed,
    });
    const results = await Promise.all(Array.from({ length: 150 }, () => limiter.consume('shared')));
    expect(traffic).toContain('EVALSHA 16');
    expect(results.filter((result) => result.allowed)).toHaveLength(100);
    expect(results.filter((result) => result.reason === 'over-limit')).toHaveLength(50);
  });

  it('checks of different subjects and different limiters in one tick each get their own answer', async () => {
    const { client, traffic } = recorded(r.client);
    const store = redisRateLimitStore({ client });
    const perMinute = createRateLimiter({
      store,
      prefix: r.key('bmix:'),
      limits: { algorithm: 'sliding-window', limit: 3, window: '1m' },
    });
    const perHour = createRateLimiter({ store, prefix: r.key('bmix:'), limits: fixed, block: '1m' });
    await warm(traffic, perMinute, perHour);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => perMinute.consume('a')),
      ...Array.from({ length: 2 }, () => perMinute.consume('b')),
      perHour.consume('a', { cost: 40 }),
      perMinute.peek('a'),
    ]);
    expect(results.map((result) => [result.allowed, result.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
      [false, 0],
      [true, 2],
      [true, 1],
      [true, 60],
      [false, 0],
    ]);
    // The first check alone, then one script call per rule set for the rest of the tick.
    expect(traffic).toEqual(['EVALSHA 1', 'EVALSHA 7', 'EVALSHA 1']);
  });

  it('a batch answered NOSCRIPT (after SCRIPT FLUSH) sends the source and loses nothing', async () => {
    // A Redis of the test's own: flushing the shared one's scripts would disturb other files' counts.
    const server = await redisServer();
    const own = new Redis(server.url);
    onTestFinished(() => own.disconnect());
    const { client, traffic } = recorded(own);
    const limiter = createRateLimiter({ store: redisRateLimitStore({ client }), limits: fixed });
    await warm(traffic, limiter);
    await own.script('FLUSH');
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.consume('shared')));
    expect(results.every((result) => result.reason === 'within-limit')).toBe(true);
    expect(traffic).toContain('EVAL 16');
    expect(await limiter.peek('shared')).toMatchObject({ remaining: 80 });
  });

  it.each([
    ['batch: false', {}, false],
    ['a Cluster client', { isCluster: true }, true],
  ] as const)('sends one script call per check for %s', async (_, extra, batch) => {
    const { client, traffic } = recorded(r.client, extra);
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client, batch }),
      prefix: r.key(`bnone:${String(batch)}:`),
      limits: fixed,
    });
    await warm(traffic, limiter);
    await Promise.all(Array.from({ length: 20 }, () => limiter.consume('shared')));
    expect(traffic).toEqual(Array.from({ length: 20 }, () => 'EVALSHA 1'));
  });

  it('works through a client that auto-pipelines as well', async () => {
    const client = await r.connect({ enableAutoPipelining: true });
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client }),
      prefix: r.key('bauto:'),
      limits: fixed,
    });
    const results = await Promise.all(Array.from({ length: 120 }, () => limiter.consume('shared')));
    expect(results.filter((result) => result.allowed)).toHaveLength(100);
  });

  it('a batch that fails as a whole hands every check in it to onStoreError', async () => {
    const { client } = recorded(r.client);
    const failing: RateLimitRedisClient = {
      ...client,
      callBuffer: (command, ...args) =>
        args[1] === 1 ? client.callBuffer(command, ...args) : Promise.reject(new Error('connection reset')),
    };
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: failing }),
      prefix: r.key('bfail:'),
      limits: fixed,
      onStoreError: 'deny',
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('shared')));
    // The first check of the tick went out alone and was decided by Redis; the nine batched ones failed closed.
    expect(results.map((result) => result.reason)).toEqual(['within-limit', ...Array(9).fill('fail-closed')]);
    expect(results[1]?.error?.cause).toMatchObject({ message: expect.stringContaining('connection reset') });
  });

  it('a reply that is not the script’s (wrong length) is a store error, not a wrong answer', async () => {
    const liar = {
      callBuffer: async () => Buffer.alloc(8),
      del: async () => 0,
    };
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: liar }),
      limits: fixed,
      onStoreError: 'deny',
    });
    const results = await Promise.all([limiter.consume('a'), limiter.consume('b'), limiter.consume('c')]);
    for (const result of results) {
      expect(result).toMatchObject({ allowed: false, reason: 'fail-closed' });
      expect(result.error?.message).toContain('Unexpected reply from the rate-limit script');
    }
  });
});

/** Redis' clock in ms. */
async function serverNow(): Promise<number> {
  const [seconds, micros] = await r.client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** The expiry written into a key's packed state (bytes 9–16: after the layout tag and the block end). */
async function storedExpiry(key: string): Promise<number> {
  const raw = await r.client.getBuffer(key);
  if (raw === null) throw new Error(`no state at ${key}`);
  return raw.readDoubleLE(9);
}

describe('the server clock', () => {
  it('keeps each key’s stored expiry equal to its real expiry, through consumes, rejections, blocks and block()', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client }),
      prefix: r.key('clock:'),
      limits: [
        { algorithm: 'token-bucket', limit: 3, refill: 1, interval: '10s' },
        { algorithm: 'fixed-window', limit: 10, window: '1h' },
      ],
      block: '2h',
    });
    const key = `${r.key('clock:')}{subject}:tb:3:10000:1,fw:10:3600000`;
    const check = async () => expect(await storedExpiry(key)).toBe(await r.client.pexpiretime(key));
    await limiter.consume('subject');
    await check();
    await limiter.consume('subject', { cost: 2 });
    await check();
    // The bucket is empty: rejected, and blocked for two hours (longer than any rule's state lives).
    const rejected = await limiter.consume('subject');
    expect(rejected).toMatchObject({ allowed: false, reason: 'over-limit' });
    await check();
    expect(await r.client.pexpiretime(key)).toBeGreaterThanOrEqual(rejected.decidedAt + 2 * 3_600_000);
    await limiter.block('subject', '3h');
    await check();
    expect(await limiter.consume('subject')).toMatchObject({ reason: 'blocked' });
    await limiter.block('other', '1m'); // a block on a key without state
    await check();
    expect(await storedExpiry(`${r.key('clock:')}{other}:tb:3:10000:1,fw:10:3600000`)).toBe(
      await r.client.pexpiretime(`${r.key('clock:')}{other}:tb:3:10000:1,fw:10:3600000`),
    );
  });

  it('decides at the Redis clock read from the key (PTTL), as TIME would', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client }),
      prefix: r.key('pttl:'),
      limits: { algorithm: 'sliding-window', limit: 5, window: '1m' },
    });
    await limiter.consume('subject'); // a new key: TIME
    for (let i = 0; i < 3; i++) {
      const before = await serverNow();
      const result = await limiter.consume('subject'); // an existing key: its expiry minus PTTL
      const after = await serverNow();
      expect(result.decidedAt).toBeGreaterThanOrEqual(before);
      expect(result.decidedAt).toBeLessThanOrEqual(after);
    }
  });

  it('falls back to TIME for a key someone made persistent, and gives it its expiry back', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: r.client }),
      prefix: r.key('persist:'),
      limits: { algorithm: 'fixed-window', limit: 5, window: '1m' },
    });
    const first = await limiter.consume('subject');
    const key = `${r.key('persist:')}{subject}:fw:5:60000`;
    await r.client.persist(key);
    expect(await r.client.pttl(key)).toBe(-1);
    const before = await serverNow();
    const second = await limiter.consume('subject');
    const after = await serverNow();
    expect(second.decidedAt).toBeGreaterThanOrEqual(before);
    expect(second.decidedAt).toBeLessThanOrEqual(after);
    expect(second.remaining).toBe(first.remaining - 1);
    expect(await r.client.pexpiretime(key)).toBe(second.resetAt);
  });
});
