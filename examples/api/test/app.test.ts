import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../src/catalog.ts';
import { startApp, type TestApp } from './harness.ts';

const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});
async function app(env: Record<string, string> = {}, catalog?: Catalog): Promise<TestApp> {
  const started = await startApp(env, catalog ? { catalog } : {});
  apps.push(started);
  return started;
}

const main = await app();

describe('errors are problem+json (@infra/http-status)', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const res = await fetch(`${main.url}/nope?x=1`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not Found', instance: '/nope' });
  });

  it('answers a thrown error with a 500 problem that does not show its message', async () => {
    const failing: Catalog = {
      reads: 0,
      find: async () => {
        throw new Error('db password is hunter2');
      },
      update: async () => {
        throw new Error('db password is hunter2');
      },
    };
    const broken = await app({}, failing);
    const res = await fetch(`${broken.url}/products/1`);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ status: res.status });
  });

  it('answers invalid input with a 422 problem pointing at the field', async () => {
    const res = await fetch(`${main.url}/products/2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '', priceCents: -1 }),
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual(['#/name', '#/priceCents']);
  });

  it('answers malformed JSON with 400, a wrong type with 415, a wrong method with 405 and Allow', async () => {
    const bad = await fetch(`${main.url}/products/2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(bad.status).toBe(400);
    const type = await fetch(`${main.url}/products/2`, { method: 'PUT', body: 'x' });
    expect(type.status).toBe(415);
    const method = await fetch(`${main.url}/products/2`, { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, HEAD, PUT');
  });
});

describe('caching (@infra/cache)', () => {
  it('reads a product from the catalog once, then from the cache', async () => {
    const fresh = await app();
    const first = await fetch(`${fresh.url}/products/1`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { data: { name: string } }).data.name).toBe('Espresso beans, 1 kg');
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${fresh.url}/products/1`).then((r) => r.json())));
    expect(fresh.catalog.reads).toBe(1);
    expect(fresh.services.backends.cache).toBe('memory');
  });

  it('does not cache a missing product, and drops a product from the cache when it changes', async () => {
    const fresh = await app();
    expect((await fetch(`${fresh.url}/products/9`)).status).toBe(404);
    expect((await fetch(`${fresh.url}/products/9`)).status).toBe(404);
    expect(fresh.catalog.reads).toBe(2);

    await fetch(`${fresh.url}/products/3`);
    const put = await fetch(`${fresh.url}/products/3`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Milk jug, steel', priceCents: 1790 }),
    });
    expect(put.status).toBe(200);
    const after = (await (await fetch(`${fresh.url}/products/3`)).json()) as { data: { name: string } };
    expect(after.data.name).toBe('Milk jug, steel');
  });
});

describe('rate limits (@infra/cache)', () => {
  it('sends the RateLimit headers and answers 429 with Retry-After once the quota is spent', async () => {
    const limited = await app({ RATE_LIMIT_PER_MINUTE: '3' });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${limited.url}/hello`);
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('ratelimit-policy')).toContain('q=3');
        expect(last.headers.get('ratelimit')).toContain('r=2');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    // The probes are not rate-limited.
    expect((await fetch(`${limited.url}/health/live`)).status).toBe(200);
  });
});

describe('probes (@infra/health)', () => {
  it('serves liveness and readiness as health+json', async () => {
    for (const path of ['/health/live', '/health/ready?verbose=1', '/health']) {
      const res = await fetch(`${main.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/health+json');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const ready = (await (await fetch(`${main.url}/health/ready`)).json()) as { status: string; checks: object };
    expect(ready.status).toMatch(/^(pass|warn)$/);
    expect(Object.keys(ready.checks)).toEqual(expect.arrayContaining(['event-loop:delay']));
  });
});
