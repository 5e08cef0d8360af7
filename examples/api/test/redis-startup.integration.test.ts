/**
 * Issue 11, defect 2: the real service, started with REDIS_URL pointing at a Redis that is down,
 * must start, serve from memory, fail readiness on the Redis check, and use Redis once it comes.
 */
import { redisServer } from '@infra/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startService } from './support/child.ts';

const poll = { timeout: 20_000, interval: 100 };

describe('examples/api started while its Redis is down', () => {
  it('starts, serves from memory, fails readiness on Redis, and picks Redis up when it comes', async () => {
    const server = await redisServer();
    await server.kill(); // the port stays ours, nothing listens on it
    const service = await startService({ REDIS_URL: server.url, RATE_LIMIT_PER_MINUTE: '1000' });

    const product = await fetch(`${service.url}/products/1`);
    expect(product.status).toBe(200);
    expect(await product.json()).toMatchObject({ data: { id: '1' } });
    const notReady = await fetch(`${service.url}/health/ready?verbose=1`);
    expect(notReady.status).toBe(503);
    const report = (await notReady.json()) as { checks: Record<string, { status: string }[]> };
    const redisCheck = Object.entries(report.checks).find(([name]) => name.startsWith('redis'));
    expect(redisCheck?.[1][0]?.status).toBe('fail');
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    // What went wrong is in the log: the error's message and stack, not `{}` (defect 11).
    const warnings = service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; err?: { message?: string; stack?: string } })
      .filter((line) => line.level === 'warn' && line.err !== undefined);
    expect(warnings.length).toBeGreaterThan(0);
    for (const { err } of warnings) {
      expect(err?.message).toBeTruthy();
      expect(err?.stack).toMatch(/\n\s+at /);
    }

    await server.restart();
    const redis = new Redis(server.url);
    onTestFinished(() => void redis.disconnect());
    await expect.poll(async () => (await fetch(`${service.url}/health/ready`)).status, poll).toBe(200);
    // The limiter counts in Redis again, and a product read after a change is stored in Redis.
    await expect
      .poll(async () => {
        await fetch(`${service.url}/hello`);
        return (await redis.keys('example-api:rl:*')).length;
      }, poll)
      .toBeGreaterThan(0);
    await expect
      .poll(async () => {
        await fetch(`${service.url}/products/2`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Hand grinder', priceCents: 8900 }),
        });
        await fetch(`${service.url}/products/2`);
        return (await redis.keys('example-api:cache:*')).length;
      }, poll)
      .toBeGreaterThan(0);
    expect(service.child.exitCode).toBe(null);
  });
});
