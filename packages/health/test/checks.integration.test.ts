import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server, type Socket } from 'node:net';
import { freePort, postgres, redis } from '@infra/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../../internal/src/test-clock.ts';
import {
  type CheckEvent,
  createHealth,
  type Health,
  type HealthResponse,
  healthChannels,
  postgresCheck,
  redisCheck,
} from '../src/index.ts';
import { validateHealthResponse } from './health-json-validator.ts';

const realRedis = await redis();
const realPostgres = await postgres();

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const timeoutMs = 300;

/** A health on a test clock: a check times out only when a test moves the clock past `timeoutMs`. */
function health(): Health & { clock: TestClock } {
  const clock = createTestClock();
  const h = createHealth({ showDetails: 'always', timeout: timeoutMs, cacheTtl: 0, clock });
  cleanup.push(() => h.close());
  return Object.assign(h, { clock });
}

/**
 * A server that accepts connections and never says a word: a connection that never comes up. Its cleanup is
 * registered last so it runs first: clients waiting on it (pool.end()) only settle once it hangs up.
 */
async function blackHole(): Promise<{ port: number; close(): Promise<unknown> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}

function conforming(answer: HealthResponse) {
  expect(
    validateHealthResponse({ status: answer.status, contentType: answer.headers['content-type'], body: answer.body }),
  ).toEqual([]);
  return { answer, report: answer.report };
}

/** The readiness answer, reached without the clock moving: every check settled by itself. */
async function settled(h: Health) {
  return conforming(await h.respond('readiness'));
}

/**
 * The readiness answer once the checks named in `first` have finished by themselves and the clock has then moved
 * to the timeout: what is still hanging then fails by its timeout, never by a race with real time.
 */
async function afterTimeout(h: Health & { clock: TestClock }, first: string[] = []) {
  const pending = new Set(first);
  let done = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const listener = (message: unknown) => {
    pending.delete((message as CheckEvent).name);
    if (pending.size === 0) done();
  };
  subscribe(healthChannels.check.name, listener);
  try {
    if (pending.size === 0) done();
    const answering = h.respond('readiness');
    await finished;
    await h.clock.advanceAsync(timeoutMs);
    return conforming(await answering);
  } finally {
    unsubscribe(healthChannels.check.name, listener);
  }
}

describe('postgresCheck against real PostgreSQL', () => {
  it('passes through a pool and a client, reporting the round-trip time', async () => {
    const h = health();
    h.register('pool', postgresCheck({ pool: realPostgres.pool() }));
    h.register('client', postgresCheck({ pool: realPostgres.client }));
    const { answer, report } = await settled(h);
    expect(answer.status).toBe(200);
    for (const check of report.checks) {
      expect(check).toMatchObject({ status: 'pass', observedUnit: 'ms', componentType: 'datastore' });
      expect(check.observedValue).toBeGreaterThan(0);
    }
  });

  it('fails against a closed port within the timeout', async () => {
    const port = await freePort();
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'test' });
    cleanup.push(() => pool.end());
    const h = health();
    h.register('db', postgresCheck({ pool: pool }));
    const { answer, report } = await settled(h);
    expect([answer.status, report.checks[0]?.output]).toEqual([503, 'check failed (ECONNREFUSED)']);
  });

  it('fails within the timeout when the connection never comes up', async () => {
    const hole = await blackHole();
    const port = hole.port;
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'test' });
    pool.on('error', () => {});
    cleanup.push(() => pool.end().catch(() => {}));
    // A client that was never connected queues its queries forever.
    const neverConnected = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'test' });
    cleanup.push(hole.close);
    const h = health();
    h.register('pool', postgresCheck({ pool: pool }));
    h.register('client', postgresCheck({ pool: neverConnected }));
    h.register('real', postgresCheck({ pool: realPostgres.client }));
    const { answer, report } = await afterTimeout(h, ['real']);
    expect(answer.status).toBe(503);
    expect(report.checks.map((c) => [c.name, c.status, c.output])).toEqual([
      ['pool', 'fail', `check "pool" timed out after ${timeoutMs} ms`],
      ['client', 'fail', `check "client" timed out after ${timeoutMs} ms`],
      ['real', 'pass', undefined],
    ]);
  });
});

describe('redisCheck against real Redis', () => {
  it('passes, reporting the PING time', async () => {
    const h = health();
    h.register('redis', redisCheck({ client: realRedis.client }));
    const { answer, report } = await settled(h);
    expect(answer.status).toBe(200);
    expect(report.checks[0]).toMatchObject({ status: 'pass', key: 'redis:responseTime', observedUnit: 'ms' });
  });

  it('fails against a closed port within the timeout (ioredis keeps retrying; the timeout decides)', async () => {
    const port = await freePort();
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: false });
    client.on('error', () => {});
    cleanup.push(() => client.disconnect());
    const h = health();
    h.register('redis', redisCheck({ client: client }));
    const { answer, report } = await afterTimeout(h);
    expect([answer.status, report.checks[0]?.output]).toEqual([503, `check "redis" timed out after ${timeoutMs} ms`]);
  });

  it('fails within the timeout when the connection never comes up', async () => {
    const hole = await blackHole();
    const client = new Redis({ host: '127.0.0.1', port: hole.port });
    client.on('error', () => {});
    cleanup.push(() => client.disconnect(), hole.close);
    const h = health();
    h.register('redis', redisCheck({ client: client }));
    h.register('real', redisCheck({ client: realRedis.client }));
    const { report } = await afterTimeout(h, ['real']);
    expect(report.checks.map((c) => [c.status, c.output])).toEqual([
      ['fail', `check "redis" timed out after ${timeoutMs} ms`],
      ['pass', undefined],
    ]);
  });

  it('fails at once for a client that was closed', async () => {
    const client = await realRedis.connect();
    await client.quit();
    const h = health();
    h.register('redis', redisCheck({ client: client }));
    // Settles without the clock moving: the closed client fails by itself, not by the timeout.
    const { report } = await settled(h);
    expect(report.checks[0]?.status).toBe('fail');
    expect(report.checks[0]?.output).not.toMatch(/timed out/);
  });
});
