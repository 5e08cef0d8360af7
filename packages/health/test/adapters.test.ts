import { serve } from '@hono/node-server';
import { healthMiddleware as expressHealth } from '@infra/health/express';
import { healthPlugin } from '@infra/health/fastify';
import { healthMiddleware as honoHealth } from '@infra/health/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type Health } from '../src/index.ts';
import { readHealthResponse } from './health-json-validator.ts';
import { listen } from './serve.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function setup(): Health {
  const health = createHealth({ showDetails: 'always', service: { version: '1' } });
  cleanup.push(() => health.close());
  health.register('db', () => ({ observedValue: 2, observedUnit: 'ms' }), { componentType: 'datastore' });
  health.register('queue', () => ({ status: 'fail', output: 'stalled' }), { probes: 'startup' });
  return health;
}

/** The same expectations for every framework: probes, query strings, 503, HEAD, and the app's own routes. */
async function expectServes(base: string, health: Health): Promise<void> {
  const ready = await fetch(`${base}/health/ready?source=kubelet`);
  expect(ready.status).toBe(200);
  expect(ready.headers.get('cache-control')).toBe('no-store');
  const readyBody = await readHealthResponse(ready);
  expect(readyBody.violations).toEqual([]);
  expect(readyBody.body).toMatchObject({ status: 'pass', version: '1', checks: { db: [{ status: 'pass' }] } });

  const startup = await fetch(`${base}/health/startup`);
  expect(startup.status).toBe(503);
  const startupBody = await readHealthResponse(startup);
  expect(startupBody.violations).toEqual([]);
  expect(startupBody.body.status).toBe('fail');

  const live = await fetch(`${base}/health/live?x=1&y=2`);
  expect(live.status).toBe(200);
  expect((await readHealthResponse(live)).violations).toEqual([]);

  const head = await fetch(`${base}/health/startup`, { method: 'HEAD' });
  expect([head.status, await head.text()]).toEqual([503, '']);

  const post = await fetch(`${base}/health/ready`, { method: 'POST' });
  expect([post.status, post.headers.get('allow'), post.headers.get('content-type')]).toEqual([
    405,
    'GET, HEAD',
    'application/problem+json',
  ]);
  expect(await post.json()).toMatchObject({ type: 'about:blank', status: 405 });

  expect(await (await fetch(`${base}/app?q=1`)).text()).toBe('app route');

  health.markShuttingDown();
  const draining = await fetch(`${base}/health/ready`);
  expect(draining.status).toBe(503);
  expect((await readHealthResponse(draining)).violations).toEqual([]);
  expect((await fetch(`${base}/health/live`)).status).toBe(200);
}

describe('adapters, each with the real framework on an ephemeral port', () => {
  it('Express 5: healthMiddleware', async () => {
    const health = setup();
    const app = express();
    app.use(expressHealth(health));
    app.get('/app', (_req, res) => {
      res.type('text/plain').send('app route');
    });
    const server = await listen(app);
    cleanup.push(server.close);
    await expectServes(server.url, health);
  });

  it('Express 5: works mounted on a router path', async () => {
    const health = setup();
    const app = express();
    const router = express.Router();
    router.use(expressHealth(health));
    app.use('/health', router);
    const server = await listen(app);
    cleanup.push(server.close);
    const ready = await fetch(`${server.url}/health/ready?x`);
    expect(ready.status).toBe(200);
    expect((await readHealthResponse(ready)).violations).toEqual([]);
  });

  it('Fastify 5: app.register(healthPlugin, { health })', async () => {
    const health = setup();
    const app = Fastify();
    await app.register(healthPlugin, { health });
    app.get('/app', async (_request, reply) => reply.type('text/plain').send('app route'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanup.push(() => app.close());
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await expectServes(`http://127.0.0.1:${address.port}`, health);
  });

  it('Fastify 5: the deprecated factory form healthPlugin(health) still works', async () => {
    const health = setup();
    const app = Fastify();
    await app.register(healthPlugin(health));
    const response = await app.inject({ method: 'GET', url: '/health/ready?x=1' });
    expect(response.statusCode).toBe(200);
    await app.close();
  });

  it('Fastify 5: registering without a health instance fails, naming the option', async () => {
    const app = Fastify();
    await expect(app.register(healthPlugin, {} as never)).rejects.toThrow(/Invalid option "health"/);
  });

  it('Hono 4: healthMiddleware, served by @hono/node-server', async () => {
    const health = setup();
    const app = new Hono();
    app.use(honoHealth(health));
    app.get('/app', (c) => c.text('app route'));
    const { port, close } = await new Promise<{ port: number; close: () => Promise<void> }>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              if ('closeAllConnections' in server) server.closeAllConnections();
            }),
        }),
      );
    });
    cleanup.push(close);
    await expectServes(`http://127.0.0.1:${port}`, health);
  });

  it('Hono 4: app.request without a server', async () => {
    const health = setup();
    const app = new Hono();
    app.use(honoHealth(health));
    const response = await app.request('/health/ready?x=1');
    expect(response.status).toBe(200);
    expect((await readHealthResponse(response)).violations).toEqual([]);
  });
});
