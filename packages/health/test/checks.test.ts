import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
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

function health(): Health {
  const h = createHealth({ showDetails: 'always', cacheTtlMs: 0, timeoutMs: 2_000 });
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
  it('fails when the loop was blocked longer than maxDelayMs, then recovers', async () => {
    const h = health();
    h.register('loop', eventLoopCheck({ maxDelayMs: 200, resolutionMs: 10 }), { probes: 'liveness' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const blockUntil = performance.now() + 500;
    while (performance.now() < blockUntil) {
      // busy: the event loop cannot turn
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    const blocked = await h.check('liveness');
    expect(blocked.checks[0]).toMatchObject({ status: 'fail', key: 'loop:delay', observedUnit: 'ms' });
    expect(blocked.checks[0]?.observedValue).toBeGreaterThan(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await h.check('liveness')).checks[0]?.status).toBe('pass');
  });

  it('rejects bad thresholds', () => {
    expect(() => eventLoopCheck({ maxDelayMs: 0 })).toThrow(/"maxDelayMs"/);
    expect(() => eventLoopCheck({ maxDelayMs: 10, warnDelayMs: 20 })).toThrow(/"warnDelayMs"/);
  });
});

describe('httpCheck', () => {
  async function upstream(status: number, delayMs = 0) {
    const server = await listen(
      createServer((_req, res) => {
        setTimeout(() => res.writeHead(status).end('body'), delayMs);
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

  it('aborts the request at its own timeoutMs', async () => {
    const h = health();
    h.register('slow', httpCheck(await upstream(200, 5_000), { timeoutMs: 100 }));
    const started = performance.now();
    expect((await h.check()).checks[0]).toMatchObject({ status: 'fail', output: 'no response within 100 ms' });
    expect(performance.now() - started).toBeLessThan(1_500);
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
  it('accept anything with query() / ping() and reject what has neither', async () => {
    const h = health();
    h.register('pg', postgresCheck({ query: async () => ({ rows: [] }) }));
    h.register('redis', redisCheck({ ping: async () => 'PONG' }));
    h.register('bad-redis', redisCheck({ ping: async () => 'NOPE' }));
    expect((await h.check()).checks.map((c) => [c.key, c.status])).toEqual([
      ['pg:responseTime', 'pass'],
      ['redis:responseTime', 'pass'],
      ['bad-redis:responseTime', 'fail'],
    ]);
    expect(() => postgresCheck({} as never)).toThrow(/"client"/);
    expect(() => redisCheck({} as never)).toThrow(/"client"/);
  });

  it('warn above warnAboveMs', async () => {
    const h = health();
    const slow = () => new Promise((resolve) => setTimeout(() => resolve('PONG'), 30));
    h.register('redis', redisCheck({ ping: slow }, { warnAboveMs: 5 }));
    h.register('pg', postgresCheck({ query: slow }, { warnAboveMs: '5ms' }));
    expect((await h.check()).checks.map((c) => c.status)).toEqual(['warn', 'warn']);
  });
});
