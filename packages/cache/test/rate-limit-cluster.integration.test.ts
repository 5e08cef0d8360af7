/**
 * The Redis rate-limit store on a real 3-master Redis Cluster (an ioredis `Cluster` client): the same
 * conformance suite as on one node, exact counts under concurrency, and keys spread over every master.
 */
import { type MasterAddress, redisCluster } from '@infra/testkit';
import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimitRule } from '../src/index.ts';
import { redisRateLimitStore } from '../src/redis/index.ts';
import { rateLimitConformance } from './rate-limit-conformance.ts';

const c = await redisCluster({ tag: 'rl_cluster' });
// Eight Cluster clients, as eight app processes sharing one cluster.
const connections = await Promise.all(Array.from({ length: 8 }, () => c.connect()));

// The client the conformance suite runs on: the shared Cluster client, noting which keys its scripts touch.
const conformanceKeys = new Set<string>();
const recording = {
  isCluster: c.client.isCluster,
  callBuffer(command: string, ...args: (string | number)[]) {
    if (command === 'EVALSHA' || command === 'EVAL') {
      for (const key of args.slice(2, 2 + Number(args[1]))) conformanceKeys.add(String(key));
    }
    return c.client.callBuffer(command, ...args);
  },
  del: (...keys: string[]) => c.client.del(...keys),
};

rateLimitConformance(
  'redis cluster',
  () => redisRateLimitStore({ client: recording, time: 'client' }),
  `${c.prefix}conf:`,
);

describe('the conformance suite on the cluster', () => {
  it('ran its subjects on every master', () => {
    expect(conformanceKeys.size).toBeGreaterThan(0);
    const masters = new Set([...conformanceKeys].map((key) => c.masterOf(key)));
    expect(masters.size).toBe(3);
  });
});

describe('redisRateLimitStore on a 3-master cluster', () => {
  it('rejects a limiter prefix with a hash tag at construction (every subject would sit on one master)', () => {
    const store = redisRateLimitStore({ client: c.client });
    expect(() =>
      createRateLimiter({ store, prefix: '{rl}:', limits: { algorithm: 'fixed-window', limit: 1, window: '1s' } }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_CACHE_INVALID_OPTION',
        message: expect.stringMatching(/"prefix".*must not contain '\{' or '\}'.*use e\.g\. 'rl:'/),
      }),
    );
  });

  it('names the master that holds a subject, for the breaker per node', () => {
    const store = redisRateLimitStore({ client: c.client });
    const rules = createRateLimiter({ store, limits: { algorithm: 'fixed-window', limit: 1, window: '1s' } }).rules;
    const masters = new Set(Array.from({ length: 30 }, (_, i) => store.nodeOf?.('rl:', `user-${i}`, rules)));
    expect(masters).toEqual(
      new Set(c.client.nodes('master').map((node) => `${node.options.host}:${node.options.port}`)),
    );
  });

  it('spreads subjects over every master: 300 subjects, 300 keys, each master holds some', async () => {
    const limiter = createRateLimiter({
      store: redisRateLimitStore({ client: c.client }),
      prefix: c.key('spread:'),
      limits: { algorithm: 'sliding-window', limit: 5, window: '1h' },
    });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => limiter.consume(`user-${i}`)));
    expect(results.every((result) => result.allowed)).toBe(true);
    const counts = await c.keysPerMaster(`${c.key('spread:')}*`);
    expect(Object.keys(counts)).toHaveLength(3);
    expect(Object.values(counts).reduce((a, b) => a + b)).toBe(300);
    for (const count of Object.values(counts)) expect(count).toBeGreaterThan(0);
  });

  const algorithms: RateLimitRule[] = [
    { algorithm: 'fixed-window', limit: 50, window: '1h' },
    { algorithm: 'sliding-window', limit: 50, window: '1h' },
    { algorithm: 'token-bucket', limit: 50, refill: 1, interval: '1h' },
    { algorithm: 'gcra', limit: 50, window: '10h' },
  ];

  it.each(algorithms)(
    '300 concurrent calls from 8 clients against a limit of 50, on one subject per master → exactly 50 allowed each ($algorithm)',
    async (rule) => {
      const limiters = connections.map((client) =>
        createRateLimiter({
          store: redisRateLimitStore({ client }),
          prefix: c.key(`c300:${rule.algorithm}:`),
          limits: rule,
        }),
      );
      // One subject on each master, so every master decides a contended limit.
      const subjects = subjectsOnEachMaster(`${c.key(`c300:${rule.algorithm}:`)}{`, '}');
      const allowed = new Map<string, number>();
      await Promise.all(
        subjects.flatMap((subject) =>
          Array.from({ length: 300 }, async (_, i) => {
            const result = await limiters[i % limiters.length]?.consume(subject);
            if (result?.allowed) allowed.set(subject, (allowed.get(subject) ?? 0) + 1);
          }),
        ),
      );
      expect(subjects.map((subject) => allowed.get(subject))).toEqual([50, 50, 50]);
    },
  );

  it('two rules under concurrency: the tighter one decides and rejected calls leave the other untouched', async () => {
    const limiters = connections.map((client) =>
      createRateLimiter({
        store: redisRateLimitStore({ client }),
        prefix: c.key('two:'),
        limits: [
          { algorithm: 'sliding-window', limit: 60, window: '1m', name: 'minute' },
          { algorithm: 'fixed-window', limit: 100, window: '1h', name: 'hour' },
        ],
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => limiters[i % limiters.length]?.consume('subject')),
    );
    expect(results.filter((result) => result?.allowed)).toHaveLength(60);
    const after = await limiters[0]?.peek('subject');
    expect(after?.rules.map((rule) => [rule.name, rule.remaining])).toEqual([
      ['minute', 0],
      ['hour', 40],
    ]);
  });
});

/** A subject for each master: the first `s0, s1, …` whose key (`before + subject + after`) it serves. */
function subjectsOnEachMaster(before: string, after: string): string[] {
  const found = new Map<MasterAddress, string>();
  for (let i = 0; found.size < 3; i++) {
    const master = c.masterOf(`${before}s${i}${after}`);
    if (!found.has(master)) found.set(master, `s${i}`);
  }
  return [...found.values()];
}
