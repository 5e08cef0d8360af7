import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, type Health } from '../src/index.ts';
import { readHealthResponse } from './health-json-validator.ts';
import { listen } from './serve.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function setup(options: Parameters<typeof createHealth>[0] = {}): Health {
  const health = createHealth({ showDetails: 'always', ...options });
  cleanup.push(() => health.close());
  health.register('db', () => ({ observedValue: 1, observedUnit: 'ms' }), { measurement: 'responseTime' });
  health.register('search', () => ({ status: 'fail', output: 'index missing' }), { critical: false });
  health.register('loop', () => {}, { probes: 'liveness' });
  return health;
}

/** A 405 as the health endpoints must answer it: RFC 9457 problem+json, `Allow: GET, HEAD`. */
async function expectMethodNotAllowed(response: Response, method: string): Promise<void> {
  expect({
    status: response.status,
    allow: response.headers.get('allow'),
    type: response.headers.get('content-type'),
    body: await response.json(),
  }).toEqual({
    status: 405,
    allow: 'GET, HEAD',
    type: 'application/problem+json',
    body: {
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: `${method} is not allowed on a health endpoint; use GET or HEAD`,
    },
  });
}

describe('health.handle (fetch)', () => {
  it.each([
    ['/health/live', 'pass', ['loop']],
    ['/health/ready', 'warn', ['db:responseTime', 'search']],
    ['/health/startup', 'pass', []],
    ['/health', 'warn', ['db:responseTime', 'loop', 'search']],
  ])('serves %s', async (path, status, keys) => {
    const health = setup();
    const response = await health.handle(new Request(`http://localhost${path}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { violations, body } = await readHealthResponse(response);
    expect(violations).toEqual([]);
    expect(body.status).toBe(status);
    expect(Object.keys(body.checks as object).sort()).toEqual(keys);
  });

  it('matches paths with a query string, a fragment or a trailing slash', async () => {
    const health = setup();
    for (const url of [
      '/health/ready?probe=k8s&x=1',
      '/health/ready?next=http://evil.example/health',
      '/health/ready/',
      '/health/ready/?a=b',
      '/health/ready#top',
    ]) {
      const response = await health.handle(new Request(`http://localhost${url}`));
      expect(response.status, url).toBe(200);
      expect((await readHealthResponse(response)).violations).toEqual([]);
    }
  });

  it('answers 503 for a critical failure', async () => {
    const health = createHealth();
    cleanup.push(() => health.close());
    health.register('db', () => Promise.reject(new Error('down')));
    const response = await health.handle(new Request('http://localhost/health/ready'));
    expect(response.status).toBe(503);
    const { violations, body } = await readHealthResponse(response);
    expect(violations).toEqual([]);
    expect(body).toEqual({ status: 'fail' });
  });

  it('answers 404 for other paths', async () => {
    const health = setup();
    expect((await health.handle(new Request('http://localhost/healthz'))).status).toBe(404);
    expect((await health.handle(new Request('http://localhost/health/readyx'))).status).toBe(404);
  });

  it('answers POST on a health path with a problem+json 405 and Allow: GET, HEAD', async () => {
    const health = setup();
    const post = await health.handle(new Request('http://localhost/health/ready', { method: 'POST' }));
    await expectMethodNotAllowed(post, 'POST');
  });

  it('answers HEAD with the status and no body', async () => {
    const health = createHealth();
    cleanup.push(() => health.close());
    health.register('db', () => ({ status: 'fail' }));
    const response = await health.handle(new Request('http://localhost/health/ready', { method: 'HEAD' }));
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('');
  });

  it('serves configured paths', async () => {
    const health = setup({ paths: { liveness: '/livez', readiness: '/readyz' } });
    expect((await health.handle(new Request('http://localhost/readyz?verbose'))).status).toBe(200);
    expect((await health.handle(new Request('http://localhost/health/ready'))).status).toBe(404);
    expect(health.paths).toEqual({
      liveness: '/livez',
      readiness: '/readyz',
      startup: '/health/startup',
      health: '/health',
    });
  });
});

describe('health.listener (node:http)', () => {
  it('serves the probes on a real server, query strings included', async () => {
    const health = setup();
    const server = await listen(health.listener);
    cleanup.push(server.close);
    const ready = await fetch(`${server.url}/health/ready?from=kubelet`);
    expect(ready.status).toBe(200);
    const { violations, body } = await readHealthResponse(ready);
    expect(violations).toEqual([]);
    expect(body.status).toBe('warn');
    const live = await fetch(`${server.url}/health/live`);
    expect((await readHealthResponse(live)).body.status).toBe('pass');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    const head = await fetch(`${server.url}/health/ready`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s on a health path with a problem+json 405', async (method) => {
    const health = setup();
    const server = await listen(health.listener);
    cleanup.push(server.close);
    await expectMethodNotAllowed(await fetch(`${server.url}/health/ready`, { method }), method);
  });

  it('passes other paths to next() when given one', async () => {
    const health = setup();
    const server = await listen((req, res) =>
      health.listener(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('app');
      }),
    );
    cleanup.push(server.close);
    expect(await (await fetch(`${server.url}/orders`)).text()).toBe('app');
    expect((await fetch(`${server.url}/health/ready`)).headers.get('content-type')).toBe('application/health+json');
  });

  it('answers 503 with a conforming body when shutting down', async () => {
    const health = setup();
    const server = await listen(health.listener);
    cleanup.push(server.close);
    health.markShuttingDown();
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(503);
    const { violations, body } = await readHealthResponse(ready);
    expect(violations).toEqual([]);
    expect(body).toMatchObject({ status: 'fail', output: 'shutting down' });
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  });
});
