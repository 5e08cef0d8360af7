import { redis, redisServer } from '@infra/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../src/catalog.ts';
import { startApp, type TestApp } from './harness.ts';

const r = await redis({ tag: 'example_api' });
const apps: TestApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

/** Two instances of the service sharing one Redis (and one catalog, standing in for a shared database). */
async function twoInstances(env: Record<string, string> = {}): Promise<[TestApp, TestApp]> {
  const catalog = createCatalog({ latencyMs: 5 });
  const options = { catalog, redisPrefix: r.key(`${apps.length}:`) };
  const a = await startApp({ REDIS_URL: r.url, ...env }, options);
  const b = await startApp({ REDIS_URL: r.url, ...env }, options);
  apps.push(a, b);
  return [a, b];
}

const json = async (res: Response) => (await res.json()) as { data: { name: string } };

describe('examples/api on Redis (REDIS_URL set)', () => {
  it('uses Redis for the cache and the rate limits, and reports it in readiness', async () => {
    const [a] = await twoInstances();
    expect(a.services.backends).toMatchObject({ cache: 'memory+redis', rateLimit: 'redis' });
    const ready = (await (await fetch(`${a.url}/health/ready`)).json()) as { checks: Record<string, unknown> };
    expect(Object.keys(ready.checks).some((k) => k.startsWith('redis'))).toBe(true);
  });

  it('shares cached values: the second instance reads from Redis, not the catalog', async () => {
    const [a, b] = await twoInstances();
    await fetch(`${a.url}/products/1`);
    await fetch(`${b.url}/products/1`);
    expect(a.catalog.reads).toBe(1);
    expect(await r.client.keys(`${r.prefix}*cache:*`)).not.toEqual([]);
  });

  it('an update on one instance reaches the other instance L1 through the bus', async () => {
    const [a, b] = await twoInstances();
    expect((await json(await fetch(`${a.url}/products/2`))).data.name).toBe('Hand grinder');
    const put = await fetch(`${b.url}/products/2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Hand grinder v2', priceCents: 9900 }),
    });
    expect(put.status).toBe(200);
    let name = '';
    for (let i = 0; i < 50 && name !== 'Hand grinder v2'; i++) {
      name = (await json(await fetch(`${a.url}/products/2`))).data.name;
      if (name !== 'Hand grinder v2') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(name).toBe('Hand grinder v2');
  });

  it('counts one quota across instances', async () => {
    const [a, b] = await twoInstances({ RATE_LIMIT_PER_MINUTE: '3' });
    const statuses = [];
    for (const url of [a.url, b.url, a.url, b.url]) statuses.push((await fetch(`${url}/hello`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('examples/api when its Redis dies', () => {
  it('keeps serving from memory and the insurance limiter, fails readiness, and recovers', async () => {
    const server = await redisServer();
    const warnings: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (_obj: object, msg?: string) => warnings.push(msg ?? ''),
      error: () => {},
    };
    const app = await startApp({ REDIS_URL: server.url }, { logger });
    apps.push(app);
    expect((await fetch(`${app.url}/products/1`)).status).toBe(200);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);

    await server.kill();
    const started = Date.now();
    const product = await fetch(`${app.url}/products/1`);
    expect(product.status).toBe(200); // from L1
    expect((await fetch(`${app.url}/products/3`)).status).toBe(200); // a miss: from the catalog
    // Misses keep asking Redis until the cache's circuit breaker opens (3 failures): 'degraded'.
    for (let i = 0; i < 4; i++) expect((await fetch(`${app.url}/products/9`)).status).toBe(404);
    expect((await fetch(`${app.url}/hello`)).status).toBe(200); // the in-memory insurance limiter decides
    // Redis is a critical check; readiness answers from its 1 s result cache, then fails.
    let notReady = 0;
    for (let i = 0; i < 30 && notReady !== 503; i++) {
      notReady = (await fetch(`${app.url}/health/ready`)).status;
      if (notReady !== 503) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(notReady).toBe(503);
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);

    await server.restart();
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await fetch(`${app.url}/health/ready`)).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready).toBe(200);
    expect(warnings).toContain('cache: Redis unavailable, serving from memory');
    expect(warnings.some((w) => w.startsWith('rate-limit store failing'))).toBe(true);
  });
});
