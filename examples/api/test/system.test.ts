/** `/api/system/*` (admins only) and `/metrics` on the embedded defaults. */
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from './harness.ts';
import { call, registerAndLogin } from './support/api-client.ts';
import { histogramCount, parseMetrics, total } from './support/prometheus.ts';
import { png, upload } from './support/upload.ts';

const admins = 'boss@example.com';
const app = await startApp({ ADMIN_EMAILS: admins });
afterAll(() => app.close());
const base = app.url;
const admin = await registerAndLogin(base, admins);
const user = await registerAndLogin(base);

const endpoints = ['health', 'services', 'scheduler', 'environment', 'cache', 'metrics'];

describe('/api/system/* (admin only)', () => {
  it('answers 401 problem+json without a token', async () => {
    for (const name of endpoints) {
      const res = await fetch(`${base}/api/system/${name}`);
      expect([name, res.status, res.headers.get('content-type')]).toEqual([name, 401, 'application/problem+json']);
    }
  });

  it('answers 403 problem+json to a user without the admin role', async () => {
    for (const name of endpoints) {
      const res = await call(base, 'GET', `/api/system/${name}`, { token: user.accessToken });
      expect([name, res.status, res.headers.get('content-type')]).toEqual([name, 403, 'application/problem+json']);
    }
  });

  it('health: the aggregated report with a score that the production findings lower', async () => {
    const res = await call<{
      data: { score: number; checks: { name: string; status: string }[]; production: { findings: unknown[] } };
    }>(base, 'GET', '/api/system/health', { token: admin.accessToken });
    expect(res.status).toBe(200);
    // NODE_ENV=test is a production finding (an error): the non-critical config check fails and costs score.
    expect(res.body.data.checks.find((c) => c.name === 'config')?.status).toBe('fail');
    expect(res.body.data.score).toBeLessThan(100);
    expect(res.body.data.production.findings.length).toBeGreaterThan(0);
  });

  it('services: which backends are configured and answering', async () => {
    const res = await call<{ data: Record<string, Record<string, unknown>> }>(base, 'GET', '/api/system/services', {
      token: admin.accessToken,
    });
    expect(res.body.data).toMatchObject({
      redis: { configured: false },
      postgres: { configured: false },
      storage: { backend: 'local', answering: true },
      mail: { transport: 'memory', answering: true },
      scheduler: { mode: 'embedded', coordinator: 'memory' },
    });
  });

  it('scheduler: every task with its schedule and next run (the API runs them in embedded mode)', async () => {
    const res = await call<{ data: { mode: string; jobs: { name: string; nextRun?: string }[] } }>(
      base,
      'GET',
      '/api/system/scheduler',
      { token: admin.accessToken },
    );
    expect(res.body.data.mode).toBe('embedded');
    expect(res.body.data.jobs.map((j) => j.name)).toContain('auth-token-cleanup');
    expect(res.body.data.jobs.every((j) => typeof j.nextRun === 'string')).toBe(true);
  });

  it('environment: the config masked, with the production findings', async () => {
    const res = await call<{ data: { variables: { key: string; value: string }[]; production: { score: number } } }>(
      base,
      'GET',
      '/api/system/environment',
      { token: admin.accessToken },
    );
    expect(res.body.data.variables.find((v) => v.key === 'PORT')).toBeDefined();
    expect(res.body.data.production.score).toBeLessThan(100);
  });

  it('cache: stats per tier with the hit rate', async () => {
    await fetch(`${base}/products/1`);
    await fetch(`${base}/products/1`);
    const res = await call<{ data: { tiers: { l1: { hits: number; hitRate: number } } } }>(
      base,
      'GET',
      '/api/system/cache',
      {
        token: admin.accessToken,
      },
    );
    expect(res.body.data.tiers.l1.hits).toBeGreaterThan(0);
    expect(res.body.data.tiers.l1.hitRate).toBeGreaterThan(0);
  });
});

describe('/metrics', () => {
  const scrape = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Object.assign(parseMetrics(text), { text });
  };

  it('parses as Prometheus text, and its counters move with the traffic', async () => {
    const before = await scrape();
    await fetch(`${base}/products/2`);
    await fetch(`${base}/products/2`);
    const loggedIn = await registerAndLogin(base);
    await call(base, 'POST', '/api/auth/login', { body: { email: loggedIn.email, password: 'wrong password here' } });
    await upload(base, loggedIn.accessToken, 'a.png', png(1000));
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);
    expect(moved('http_requests_total', { route: '/products/:id', status: '200' })).toBe(2);
    const logins = (text: string) =>
      histogramCount(text, 'http_request_duration_seconds', { route: '/api/auth/login' });
    expect(logins(after.text) - logins(before.text)).toBe(2);
    expect(moved('cache_requests_total', { tier: 'l1', result: 'hit' })).toBeGreaterThanOrEqual(1);
    // The two product reads, plus the login throttle's checks (it decides on @infra/cache's limiter too).
    expect(moved('rate_limit_decisions_total', { decision: 'allowed' })).toBeGreaterThanOrEqual(2);
    expect(moved('auth_events_total', { event: 'issued' })).toBe(1);
    expect(moved('login_attempts_total', { outcome: 'failure' })).toBe(1);
    expect(moved('mail_messages_total', { event: 'sent' })).toBe(1); // the welcome mail
    expect(moved('storage_bytes_written_total')).toBe(1000);
    expect(after.get('http_request_duration_seconds')?.type).toBe('HISTOGRAM');
  });

  it('is the same text at /api/system/metrics, for admins', async () => {
    const res = await fetch(`${base}/api/system/metrics`, {
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(parseMetrics(await res.text()).has('http_requests_total')).toBe(true);
  });
});
