import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import {
  createHealth,
  diskCheck,
  eventLoopCheck,
  type Health,
  httpCheck,
  memoryCheck,
  postgresCheck,
  productionReadinessCheck,
  redisCheck,
} from '../src/index.ts';
import { listen } from './serve.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function health(options: Parameters<typeof createHealth>[0] = {}): Health {
  const h = createHealth({ showDetails: 'always', cacheTtl: 0, timeout: '2s', ...options });
  cleanup.push(() => h.close());
  return h;
}

describe('diskCheck', () => {
  it('passes on the real file system with a small threshold and reports free bytes', async () => {
    const h = health();
    h.register('disk', diskCheck({ path: process.cwd(), minFreeBytes: 1 }));
    const [check] = (await h.check()).checks;
    expect(check).toMatchObject({ status: 'pass', key: 'disk:free', componentType: 'system', observedUnit: 'bytes' });
    expect(check?.observedValue).toBeGreaterThan(0);
  });

  it('fails below minFreeBytes or minFreeRatio', async () => {
    const statfs = async () => ({ bsize: 4096, blocks: 1000, bavail: 50 });
    const h = health();
    h.register('bytes', diskCheck({ minFreeBytes: 1_000_000, statfs }));
    h.register('ratio', diskCheck({ minFreeRatio: 0.1, statfs }));
    h.register('fine', diskCheck({ minFreeRatio: 0.01, statfs }));
    const report = await h.check();
    expect(report.checks.map((c) => [c.name, c.status, c.output])).toEqual([
      ['bytes', 'fail', '204800 bytes free, below 1000000'],
      ['ratio', 'fail', '5.0% free, below 10.0%'],
      ['fine', 'pass', undefined],
    ]);
  });

  it('fails for a path that does not exist', async () => {
    const h = health();
    h.register('disk', diskCheck({ path: '/no/such/dir', minFreeBytes: 1 }));
    expect((await h.check()).checks[0]).toMatchObject({ status: 'fail', output: 'check failed (ENOENT)' });
  });

  it('requires a threshold', () => {
    expect(() => diskCheck({})).toThrow(/"minFreeBytes"/);
    expect(() => diskCheck({ minFreeRatio: 2 })).toThrow(/"minFreeRatio"/);
  });
});

describe('memoryCheck', () => {
  const sample = () => ({ rss: 800, heapUsed: 90, heapLimit: 100, limit: 1000 });

  it('checks RSS in bytes, RSS against the limit, and heap against its limit', async () => {
    const h = health();
    h.register('rss', memoryCheck({ maxRssBytes: 700, sample }));
    h.register('ratio', memoryCheck({ maxRssRatio: 0.75, sample }));
    h.register('heap', memoryCheck({ maxHeapRatio: 0.85, sample }));
    h.register('ok', memoryCheck({ maxRssBytes: 900, maxRssRatio: 0.9, maxHeapRatio: 0.95, sample }));
    const report = await h.check();
    expect(report.checks.map((c) => [c.name, c.status, c.output])).toEqual([
      ['rss', 'fail', 'rss 800 bytes above 700'],
      ['ratio', 'fail', 'rss 80.0% of the 1000-byte limit, above 75.0%'],
      ['heap', 'fail', 'heap 90.0% of its limit, above 85.0%'],
      ['ok', 'pass', undefined],
    ]);
    expect(report.checks[3]).toMatchObject({ observedValue: 800, observedUnit: 'bytes', key: 'ok:rss' });
  });

  it('reads the real process', async () => {
    const h = health();
    h.register('memory', memoryCheck({ maxHeapRatio: 1 }));
    const [check] = (await h.check()).checks;
    expect(check?.status).toBe('pass');
    expect(check?.observedValue).toBeGreaterThan(1_000_000);
  });

  it('requires a threshold', () => {
    expect(() => memoryCheck({})).toThrow(/"maxRssBytes"/);
  });
});

describe('eventLoopCheck', () => {
  it('fails after a real stall of the event loop longer than maxDelay', async () => {
    const h = health();
    h.register('loop', eventLoopCheck({ maxDelay: '50ms', resolution: 10 }), { probes: 'liveness' });
    const until = performance.now() + 150;
    while (performance.now() < until) {
      // a synchronous busy loop: the event loop cannot turn
    }
    // A few turns of the loop: the sampler's timer, due during the stall, has fired (late) and recorded it.
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect((await h.check('liveness')).checks[0]).toMatchObject({
      status: 'fail',
      key: 'loop:delay',
      observedUnit: 'ms',
    });
  });

  it('passes an idle loop with a maxDelay below the sampling interval (the interval is not delay)', async () => {
    const clock = createTestClock();
    const h = health();
    h.register('loop', eventLoopCheck({ maxDelay: 15, resolution: 20, clock }));
    clock.advance(1_000);
    expect((await h.check()).checks[0]).toMatchObject({ status: 'pass', observedValue: 0 });
  });

  it('fails one long stall that p99 of the window would hide', async () => {
    const clock = createTestClock();
    const h = health();
    h.register('loop', eventLoopCheck({ maxDelay: '500ms', resolution: 20, clock }));
    clock.advance(4_000);
    // The loop holds for a second: time passes and the sampler's timer fires only after it, 1000 ms late.
    clock.set(clock.now() + 1_020);
    clock.advance(0);
    expect((await h.check()).checks[0]).toMatchObject({
      status: 'fail',
      observedValue: 1_000,
      output: 'longest delay 1000 ms (p99 0 ms), above 500 ms',
    });
  });

  it('warns above warnDelay, and reads each window once', async () => {
    const clock = createTestClock();
    const h = health();
    h.register('loop', eventLoopCheck({ maxDelay: 100, warnDelay: 30, resolution: 20, clock }));
    clock.set(clock.now() + 60);
    clock.advance(0);
    const first = (await h.check()).checks[0]?.status;
    clock.advance(100);
    expect([first, (await h.check()).checks[0]?.status]).toEqual(['warn', 'pass']);
  });

  it('still takes the deprecated maxDelayMs and resolutionMs', async () => {
    const clock = createTestClock();
    const h = health();
    h.register('loop', eventLoopCheck({ maxDelayMs: 2, resolutionMs: 10, clock }));
    clock.set(clock.now() + 13);
    clock.advance(0);
    expect((await h.check()).checks[0]).toMatchObject({ status: 'fail', observedValue: 3 });
  });

  it('stops sampling when the health closes', async () => {
    const clock = createTestClock();
    const h = createHealth();
    h.register('loop', eventLoopCheck({ maxDelay: 100, clock }));
    expect(clock.pending()).toBe(1);
    await h.close();
    expect(clock.pending()).toBe(0);
  });

  it('rejects bad thresholds', () => {
    expect(() => eventLoopCheck({})).toThrow(/"maxDelay"/);
    expect(() => eventLoopCheck({ maxDelay: 0 })).toThrow(/"maxDelay"/);
    expect(() => eventLoopCheck({ maxDelayMs: 0 })).toThrow(/"maxDelayMs"/);
    expect(() => eventLoopCheck({ maxDelay: 10, warnDelay: 20 })).toThrow(/"warnDelay"/);
    expect(() => eventLoopCheck({ maxDelay: 10, resolution: '1 week' as never })).toThrow(/"resolution"/);
  });
});

describe('httpCheck', () => {
  async function upstream(status: number) {
    const server = await listen(
      createServer((_req, res) => {
        res.writeHead(status).end('body');
      }),
    );
    cleanup.push(server.close);
    return server.url;
  }

  it('passes on 2xx and reports the response time', async () => {
    const h = health();
    h.register('api', httpCheck(`${await upstream(204)}/health`));
    expect((await h.check()).checks[0]).toMatchObject({ status: 'pass', key: 'api:responseTime', observedUnit: 'ms' });
  });

  it('fails on an unexpected status; expectStatus accepts others', async () => {
    const url = await upstream(503);
    const h = health();
    h.register('strict', httpCheck(url));
    h.register('lenient', httpCheck(url, { expectStatus: [200, 503] }));
    const report = await h.check();
    expect(report.checks.map((c) => [c.status, c.output])).toEqual([
      ['fail', 'unexpected status 503'],
      ['pass', undefined],
    ]);
  });

  it('aborts the request at its own timeout, on the clock', async () => {
    const server = createServer(() => {
      // never answers
    });
    const { url, close } = await listen(server);
    cleanup.push(close);
    const clock = createTestClock();
    const h = health({ clock, timeout: '1m' });
    h.register('slow', httpCheck(url, { timeout: 100, clock }));
    const arrived = once(server, 'request');
    const checking = h.check();
    await arrived;
    await clock.advanceAsync(100);
    expect((await checking).checks[0]).toMatchObject({ status: 'fail', output: 'no response within 100 ms' });
  });

  it('warns above warnAbove, measured on the clock', async () => {
    // Each check measures on its own test clock, which its fake fetch moves on.
    const slowClock = createTestClock();
    const fastClock = createTestClock();
    const fetchAfter = (clock: ReturnType<typeof createTestClock>, ms: number) => async () => {
      clock.advance(ms);
      return new Response(null, { status: 204 });
    };
    const h = health();
    const url = 'http://dependency.test/';
    h.register('slow', httpCheck(url, { warnAbove: '50ms', clock: slowClock, fetch: fetchAfter(slowClock, 51) }));
    h.register('fast', httpCheck(url, { warnAboveMs: 50, clock: fastClock, fetch: fetchAfter(fastClock, 50) }));
    expect((await h.check()).checks.map((c) => [c.name, c.status, c.observedValue])).toEqual([
      ['slow', 'warn', 51],
      ['fast', 'pass', 50],
    ]);
  });

  it('fails against a closed port', async () => {
    const server = await listen(createServer());
    await server.close();
    const h = health();
    h.register('gone', httpCheck(server.url));
    expect((await h.check()).checks[0]?.status).toBe('fail');
  });

  it('rejects bad options', () => {
    expect(() => httpCheck('not a url')).toThrow(/"url"/);
    expect(() => httpCheck('ftp://x')).toThrow(/"url"/);
    expect(() => httpCheck('http://x', { expectStatus: [] })).toThrow(/"expectStatus"/);
  });
});

describe('productionReadinessCheck', () => {
  it('fails on an error finding, warns on a warning, passes otherwise; names keys, not values', async () => {
    const h = health();
    h.register(
      'config-errors',
      productionReadinessCheck({
        score: 40,
        findings: [
          { key: 'JWT_SECRET', severity: 'error', message: 'JWT_SECRET is "changeme"' },
          { key: 'LOG_LEVEL', severity: 'warning', message: 'debug logging in production' },
        ],
      }),
      { critical: false },
    );
    h.register(
      'config-warn',
      productionReadinessCheck(() => ({
        score: 90,
        findings: [{ key: 'LOG_LEVEL', severity: 'warning', message: 'x' }],
      })),
    );
    h.register(
      'config-ok',
      productionReadinessCheck(async () => ({ score: 100, findings: [{ key: 'TZ', severity: 'info', message: 'x' }] })),
    );
    const report = await h.check();
    expect(report.checks.map((c) => [c.key, c.status, c.observedValue, c.output])).toEqual([
      ['config-errors:productionReadiness', 'fail', 40, 'errors: JWT_SECRET; warnings: LOG_LEVEL'],
      ['config-warn:productionReadiness', 'warn', 90, 'warnings: LOG_LEVEL'],
      ['config-ok:productionReadiness', 'pass', 100, undefined],
    ]);
    expect(JSON.stringify(report)).not.toContain('changeme');
  });

  it('rejects a value of the wrong shape', () => {
    expect(() => productionReadinessCheck({ score: 1 } as never)).toThrow(/"report"/);
  });
});

describe('postgresCheck and redisCheck with structural clients', () => {
  it('take the client in an object: { pool } and { client }', async () => {
    const h = health();
    h.register('pg', postgresCheck({ pool: { query: async () => ({ rows: [] }) } }));
    h.register('redis', redisCheck({ client: { ping: async () => 'PONG' } }));
    h.register('bad-redis', redisCheck({ client: { ping: async () => 'NOPE' } }));
    expect((await h.check()).checks.map((c) => [c.key, c.status])).toEqual([
      ['pg:responseTime', 'pass'],
      ['redis:responseTime', 'pass'],
      ['bad-redis:responseTime', 'fail'],
    ]);
  });

  it('still take the client positionally (deprecated)', async () => {
    const h = health();
    h.register('pg', postgresCheck({ query: async () => ({ rows: [] }) }, { sql: 'SELECT 2' }));
    h.register('redis', redisCheck({ ping: async () => 'PONG' }, {}));
    expect((await h.check()).checks.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('reject what has neither query() nor ping(), naming the option', () => {
    expect(() => postgresCheck({ pool: {} } as never)).toThrow(/"pool"/);
    expect(() => postgresCheck({} as never)).toThrow(/"pool"/);
    expect(() => redisCheck({ client: {} } as never)).toThrow(/"client"/);
    expect(() => redisCheck({} as never)).toThrow(/"client"/);
  });

  it('warn above warnAbove (and the deprecated warnAboveMs), measured on the clock', async () => {
    const after = <T>(ms: number, reply: T) => {
      const clock = createTestClock();
      const call = async () => {
        clock.advance(ms);
        return reply;
      };
      return { clock, call };
    };
    const redis = after(6, 'PONG');
    const pg = after(6, {});
    const pgOld = after(5, {});
    const h = health();
    h.register('redis', redisCheck({ client: { ping: redis.call }, warnAbove: 5, clock: redis.clock }));
    h.register('pg', postgresCheck({ pool: { query: pg.call }, warnAbove: '5ms', clock: pg.clock }));
    h.register('pg-old', postgresCheck({ pool: { query: pgOld.call }, warnAboveMs: 5, clock: pgOld.clock }));
    expect((await h.check()).checks.map((c) => [c.name, c.status])).toEqual([
      ['redis', 'warn'],
      ['pg', 'warn'],
      ['pg-old', 'pass'],
    ]);
  });
});
