import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import {
  type CheckReport,
  createHealth,
  type Health,
  HealthError,
  type HealthResponse,
  healthChannels,
} from '../src/index.ts';
import { validateHealthResponse } from './health-json-validator.ts';

const opened: Health[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((h) => h.close()));
});

function health(options: Parameters<typeof createHealth>[0] = {}): Health {
  const h = createHealth(options);
  opened.push(h);
  return h;
}

/** A pino-shaped logger that records what it is told. */
function recordingLogger() {
  const logs: [string, object, string | undefined][] = [];
  const at = (level: string) => (obj: object, msg?: string) => void logs.push([level, obj, msg]);
  return { logs, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Every answer must conform to the draft; returns the parsed body. */
function conforming(answer: HealthResponse): Record<string, unknown> {
  expect(
    validateHealthResponse({ status: answer.status, contentType: answer.headers['content-type'], body: answer.body }),
  ).toEqual([]);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

describe('aggregation', () => {
  it('passes with 200 when every check passes', async () => {
    const h = health({ showDetails: 'always' });
    h.register('a', () => {});
    h.register('b', () => ({ status: 'pass', observedValue: 3, observedUnit: 'ms' }));
    const answer = await h.respond('readiness');
    expect(answer.status).toBe(200);
    expect(conforming(answer).status).toBe('pass');
  });

  it('warns with 200 when a non-critical check fails', async () => {
    const h = health({ showDetails: 'always' });
    h.register('db', () => {});
    h.register('search', () => Promise.reject(new Error('down')), { critical: false });
    const answer = await h.respond('readiness');
    expect(answer.status).toBe(200);
    const body = conforming(answer);
    expect(body.status).toBe('warn');
    expect(body.checks).toMatchObject({ search: [{ status: 'fail' }], db: [{ status: 'pass' }] });
  });

  it('warns with 200 when a critical check only warns', async () => {
    const h = health();
    h.register('disk', () => ({ status: 'warn', output: 'getting full' }));
    const answer = await h.respond('readiness');
    expect([answer.status, conforming(answer).status]).toEqual([200, 'warn']);
  });

  it('fails with 503 (not 500) when a critical check fails', async () => {
    const h = health({ showDetails: 'always' });
    h.register('db', () => {
      throw new Error('connection refused');
    });
    h.register('cache', () => ({ status: 'warn' }), { critical: false });
    const answer = await h.respond('readiness');
    expect(answer.status).toBe(503);
    const body = conforming(answer);
    expect(body.status).toBe('fail');
    expect(body.output).toBe('failing: db; warning: cache');
  });

  it('fails when a check returns status fail without throwing', async () => {
    const h = health();
    h.register('queue', () => ({ status: 'fail', output: 'backlog' }));
    expect((await h.check()).status).toBe('fail');
  });

  it('computes a weighted score', async () => {
    const h = health({ score: true });
    h.register('a', () => {}, { weight: 3 });
    h.register('b', () => ({ status: 'warn' }), { weight: 1, critical: false });
    h.register('c', () => ({ status: 'fail' }), { weight: 1, critical: false });
    const report = await h.check();
    // (3 * 1 + 1 * 0.5 + 1 * 0) / 5 = 70%
    expect(report.score).toBe(70);
    expect(conforming(await h.respond('readiness')).score).toBe(70);
  });

  it('treats a check returning a bad status as a failure', async () => {
    const h = health({ showDetails: 'always' });
    h.register('odd', () => ({ status: 'ok' as 'pass' }));
    const report = await h.check();
    expect(report.status).toBe('fail');
    expect(report.checks[0]?.output).toMatch(/unknown status "ok"/);
  });
});

describe('probes', () => {
  it('runs readiness checks by default; liveness has none unless asked', async () => {
    const h = health();
    let readinessRuns = 0;
    let livenessRuns = 0;
    h.register('db', () => {
      readinessRuns++;
      throw new Error('down');
    });
    h.register('loop', () => void livenessRuns++, { probes: 'liveness' });
    expect((await h.check('liveness')).status).toBe('pass');
    expect([readinessRuns, livenessRuns]).toEqual([0, 1]);
    expect((await h.check('readiness')).status).toBe('fail');
    expect((await h.check('startup')).checks).toEqual([]);
    const all = await h.check('health');
    expect(all.checks.map((c) => c.name).sort()).toEqual(['db', 'loop']);
  });

  it('lets one check belong to several probes and shares its cached result', async () => {
    const h = health({ cacheTtl: 10_000 });
    let runs = 0;
    h.register('db', () => void runs++, { probes: ['readiness', 'startup'] });
    await h.check('startup');
    await h.check('readiness');
    expect(runs).toBe(1);
  });

  it('fails readiness at once when shutting down, without running checks, while liveness passes', async () => {
    const h = health();
    let runs = 0;
    h.register('db', () => void runs++);
    h.register('alive', () => {}, { probes: 'liveness' });
    h.markShuttingDown();
    const ready = await h.respond('readiness');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'fail' });
    expect(runs).toBe(0);
    expect((await h.respond('liveness')).status).toBe(200);
    expect(h.shuttingDown).toBe(true);
  });
});

describe('timeouts', () => {
  it('fails a hung check at its timeout on the clock while the others still report', async () => {
    const clock = createTestClock();
    const h = health({ showDetails: 'always', timeout: 100, clock });
    h.register('hung', () => new Promise(() => {}));
    h.register('db', () => ({ observedValue: 1, observedUnit: 'ms' }));
    h.register('later', () => new Promise<void>((resolve) => clock.setTimeout(resolve, 20)));
    const answering = h.respond('readiness');
    await clock.advanceAsync(100);
    const answer = await answering;
    expect(answer.status).toBe(503);
    expect(conforming(answer).checks).toEqual({
      hung: [expect.objectContaining({ status: 'fail', output: 'check "hung" timed out after 100 ms' })],
      db: [expect.objectContaining({ status: 'pass' })],
      later: [expect.objectContaining({ status: 'pass' })],
    });
  });

  it('is still waiting for a hung check 1 ms before its timeout', async () => {
    const clock = createTestClock();
    const h = health({ timeout: 100, clock });
    h.register('hung', () => new Promise(() => {}));
    let settled = false;
    const answering = h.check().then(() => (settled = true));
    await clock.advanceAsync(99);
    expect(settled).toBe(false);
    await clock.advanceAsync(1);
    await answering;
  });

  it("aborts a timed-out check's signal with ERR_HEALTH_CHECK_TIMEOUT and counts the timeout", async () => {
    const clock = createTestClock();
    const h = health({ timeout: '2s', clock });
    let aborted: unknown;
    h.register('hung', (signal) => {
      signal.addEventListener('abort', () => (aborted = signal.reason));
      return new Promise(() => {});
    });
    const checking = h.check();
    await clock.advanceAsync(2_000);
    await checking;
    expect(aborted).toBeInstanceOf(HealthError);
    expect([(aborted as HealthError).code, h.stats().checks.hung?.timeouts]).toEqual(['ERR_HEALTH_CHECK_TIMEOUT', 1]);
  });

  it('runs checks in parallel, not one after another', async () => {
    const h = health();
    const started: string[] = [];
    const releases: (() => void)[] = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      h.register(name, () => {
        started.push(name);
        return new Promise<void>((resolve) => releases.push(resolve));
      });
    }
    const checking = h.check();
    await new Promise((resolve) => setImmediate(resolve));
    // All four started before any finished.
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    for (const release of releases) release();
    await checking;
  });

  it('uses a per-check timeout over the default', async () => {
    const clock = createTestClock();
    const h = health({ timeout: '10s', clock });
    h.register('hung', () => new Promise(() => {}), { timeout: '50ms' });
    const checking = h.check();
    await clock.advanceAsync(50);
    expect((await checking).checks[0]).toMatchObject({ status: 'fail', durationMs: 50 });
  });

  it('still takes the deprecated timeoutMs', async () => {
    const clock = createTestClock();
    const h = health({ timeoutMs: '10s', clock });
    h.register('hung', () => new Promise(() => {}), { timeoutMs: 30 });
    const checking = h.check();
    await clock.advanceAsync(30);
    expect((await checking).checks[0]?.output).toBe('check "hung" timed out after 30 ms');
  });
});

describe('caching', () => {
  it('shares one run between concurrent requests (single flight)', async () => {
    const h = health({ cacheTtl: 0 });
    let calls = 0;
    let release = () => {};
    h.register('db', () => {
      calls++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    const pending = Array.from({ length: 25 }, () => h.check('readiness'));
    await Promise.resolve();
    release();
    const reports = await Promise.all(pending);
    expect(calls).toBe(1);
    expect(reports.every((r) => r.status === 'pass')).toBe(true);
    expect(h.stats()).toMatchObject({ runs: 1, cacheHits: 24 });
  });

  it('reuses a result within cacheTtl and runs again after it', async () => {
    const clock = createTestClock();
    const h = health({ clock, cacheTtl: '5s' });
    let calls = 0;
    h.register('db', () => ({ observedValue: ++calls }));
    const first = await h.check();
    clock.advance(4_999);
    const second = await h.check();
    expect(calls).toBe(1);
    expect(second.checks[0]).toMatchObject({ cached: true, observedValue: 1 });
    expect(first.checks[0]?.cached).toBe(false);
    clock.advance(1);
    const third = await h.check();
    expect(calls).toBe(2);
    expect(third.checks[0]).toMatchObject({ cached: false, observedValue: 2 });
  });

  it('caches failures too, so a down dependency is not hammered', async () => {
    const clock = createTestClock();
    const h = health({ clock, cacheTtl: 1_000 });
    let calls = 0;
    h.register('db', () => {
      calls++;
      throw new Error('down');
    });
    await h.check();
    await h.check();
    expect(calls).toBe(1);
  });

  it('honours a per-check cacheTtl', async () => {
    const clock = createTestClock();
    const h = health({ clock, cacheTtl: 10_000 });
    let calls = 0;
    h.register('fresh', () => void calls++, { cacheTtl: 0 });
    await h.check();
    await h.check();
    expect(calls).toBe(2);
  });
});

describe('details and redaction', () => {
  it('hides checks by default', async () => {
    const h = health({ service: { version: '1', releaseId: '1.2.3', serviceId: 'api' } });
    h.register('db', () => {});
    expect(conforming(await h.respond('readiness'))).toEqual({
      status: 'pass',
      version: '1',
      releaseId: '1.2.3',
      serviceId: 'api',
    });
  });

  it('shows details when the showDetails function approves the request', async () => {
    const h = health({ showDetails: (request) => request.header('x-health-token') === 'secret' });
    h.register('db', () => {}, { measurement: 'responseTime', componentType: 'datastore' });
    const request = (token?: string) => ({
      method: 'GET',
      url: '/health/ready',
      header: (name: string) => (name === 'x-health-token' ? token : undefined),
    });
    expect(conforming(await h.respond('readiness', request('secret'))).checks).toMatchObject({
      'db:responseTime': [{ status: 'pass', componentType: 'datastore' }],
    });
    expect(conforming(await h.respond('readiness', request('wrong'))).checks).toBeUndefined();
  });

  it('redacts thrown error text but keeps a system error code', async () => {
    const h = health({ showDetails: 'always', cacheTtl: 0 });
    h.register('db', () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432 user=admin'), { code: 'ECONNREFUSED' });
    });
    h.register('other', () => {
      throw new Error('password authentication failed for user "admin"');
    });
    const body = conforming(await h.respond('readiness'));
    expect(body.checks).toMatchObject({
      db: [{ output: 'check failed (ECONNREFUSED)' }],
      other: [{ output: 'check failed' }],
    });
    expect(JSON.stringify(body)).not.toContain('admin');
  });

  it('shows thrown error text with exposeErrors', async () => {
    const h = health({ showDetails: 'always', exposeErrors: true });
    h.register('db', () => {
      throw new Error('boom');
    });
    expect(conforming(await h.respond('readiness')).checks).toMatchObject({ db: [{ output: 'boom' }] });
  });

  it('writes ISO times from the clock and no-store caching', async () => {
    const clock = createTestClock(Date.UTC(2026, 10, 22, 12, 0, 0));
    const h = health({ clock, showDetails: 'always' });
    h.register('db', () => {});
    const answer = await h.respond('readiness');
    expect(answer.headers).toEqual({ 'content-type': 'application/health+json', 'cache-control': 'no-store' });
    expect(conforming(answer).checks).toMatchObject({ db: [{ time: '2026-11-22T12:00:00.000Z' }] });
  });
});

describe('observability', () => {
  it('publishes each run on healthChannels.check (infra:health:check) and logs status changes', async () => {
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    expect(healthChannels.check.name).toBe('infra:health:check');
    subscribe('infra:health:check', listener);
    const { logs, logger } = recordingLogger();
    try {
      const h = health({ logger, cacheTtl: 0 });
      let up = false;
      h.register('db', () => {
        if (!up) throw new Error('down');
      });
      await h.check();
      await h.check();
      up = true;
      await h.check();
      expect(seen).toHaveLength(3);
      expect(seen[0]).toMatchObject({ name: 'db', key: 'db', status: 'fail', durationMs: expect.any(Number) });
      // Only transitions are logged: fail once, then pass once.
      expect(logs.map(([level, , msg]) => `${level}: ${msg}`)).toEqual([
        'error: health check fails',
        'info: health check passes',
      ]);
      expect(h.stats().checks.db).toMatchObject({ runs: 3, failures: 2, lastStatus: 'pass' });
    } finally {
      unsubscribe('infra:health:check', listener);
    }
  });
});

describe('robustness', () => {
  it('answers even when the logger throws', async () => {
    const boom = () => {
      throw new Error('logger down');
    };
    const h = health({ logger: { debug: boom, info: boom, warn: boom, error: boom } });
    h.register('db', () => ({ status: 'fail' }));
    expect((await h.respond('readiness')).status).toBe(503);
    expect((await h.respond('readiness')).status).toBe(503);
  });

  it('hides details when showDetails throws', async () => {
    const h = health({
      showDetails: () => {
        throw new Error('auth service down');
      },
    });
    h.register('db', () => {});
    const answer = await h.respond('readiness', { method: 'GET', url: '/health/ready', header: () => undefined });
    expect(JSON.parse(answer.body)).toEqual({ status: 'pass' });
  });
});

describe('options and lifecycle', () => {
  it.each([
    [{ timeout: -1 }, 'timeout'],
    [{ timeout: 0 }, 'timeout'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeout: '1s', timeoutMs: '1s' }, 'timeout'],
    [{ cacheTtl: '5 minutes' }, 'cacheTtl'],
    [{ clock: { now: () => 0 } }, 'clock'],
    [{ score: 'yes' }, 'score'],
    [{ showDetails: 'sometimes' }, 'showDetails'],
    [{ paths: { readiness: 'ready' } }, 'paths.readiness'],
    [{ paths: { liveness: '/health' } }, 'paths.health'],
    [{ service: { version: 1 } }, 'service.version'],
    [{ logger: { info: () => {} } }, 'logger'],
  ])('rejects %j naming %s', (options, name) => {
    expect(() => createHealth(options as Parameters<typeof createHealth>[0])).toThrow(
      expect.objectContaining({ code: 'ERR_HEALTH_INVALID_OPTION', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('rejects bad registrations', () => {
    const h = health();
    h.register('db', () => {});
    expect(() => h.register('db', () => {})).toThrow(expect.objectContaining({ code: 'ERR_HEALTH_DUPLICATE_CHECK' }));
    expect(() => h.register('a:b', () => {})).toThrow(/"name"/);
    expect(() => h.register('x', () => {}, { probes: ['ready' as 'readiness'] })).toThrow(/"probes"/);
    expect(() => h.register('y', () => {}, { weight: -1 })).toThrow(/"weight"/);
    // @ts-expect-error not a Duration: the type rejects it, and so must the run-time check
    expect(() => h.register('z', () => {}, { timeout: 'soon' })).toThrow(/"timeout"/);
    expect(() => h.register('w', 'nope' as unknown as () => void)).toThrow(/"check"/);
  });

  it('rejects an unknown target', async () => {
    await expect(health().check('ready' as 'readiness')).rejects.toThrow(/"target"/);
  });

  it('unregisters', async () => {
    const h = health();
    const remove = h.register('db', () => ({ status: 'fail' }));
    expect((await h.check()).status).toBe('fail');
    remove();
    expect((await h.check()).checks).toEqual([]);
    h.register('cache', () => {});
    expect((await h.check()).checks.map((c) => c.name)).toEqual(['cache']);
  });

  it('keeps no state between instances', async () => {
    const a = health();
    const b = health();
    a.register('db', () => ({ status: 'fail' }));
    b.register('db', () => {});
    a.markShuttingDown();
    expect((await b.check()).status).toBe('pass');
    expect(b.shuttingDown).toBe(false);
  });

  it('close() aborts running checks, closes the checks, and refuses new ones', async () => {
    const h = createHealth({ timeout: '1m' });
    let closed = false;
    const check = Object.assign(
      (signal: AbortSignal) =>
        new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      {
        close: () => {
          closed = true;
        },
      },
    );
    h.register('slow', check);
    const pending = h.check();
    await h[Symbol.asyncDispose]();
    const report = await pending;
    expect(report.status).toBe('fail');
    expect(closed).toBe(true);
    expect(() => h.register('late', () => {})).toThrow(expect.objectContaining({ code: 'ERR_HEALTH_CLOSED' }));
  });

  it("close() is idempotent: every call returns the first one's promise, and checks close once", async () => {
    const h = createHealth();
    let closes = 0;
    h.register(
      'db',
      Object.assign(() => {}, { close: () => void closes++ }),
    );
    const first = h.close();
    expect(h.close()).toBe(first);
    await Promise.all([first, h[Symbol.asyncDispose]()]);
    expect(closes).toBe(1);
  });

  it('reports with every check result shaped as documented', async () => {
    const clock = createTestClock();
    const h = health({ clock });
    h.register('db', () => ({ observedValue: 2, observedUnit: 'ms' }), {
      componentType: 'datastore',
      measurement: 'responseTime',
    });
    const [check] = (await h.check()).checks as [CheckReport];
    expect(check).toMatchObject({
      name: 'db',
      key: 'db:responseTime',
      status: 'pass',
      critical: true,
      weight: 1,
      componentType: 'datastore',
      observedValue: 2,
      observedUnit: 'ms',
      time: clock.now(),
      cached: false,
    });
  });
});
