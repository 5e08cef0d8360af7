import { redis } from '@infra/testkit';
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
