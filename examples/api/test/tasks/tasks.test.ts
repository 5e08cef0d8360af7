/** The tasks on their embedded defaults: memory scheduler, memory state and outbox, on the test clock. */
import { createCache, memoryStore } from '@infra/cache';
import { createHealth } from '@infra/health';
import { createMailer, memoryTransport } from '@infra/mail';
import { createScheduler, memoryCoordinator } from '@infra/scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../../internal/src/test-clock.ts';
import { appTemplates } from '../../src/mail/index.ts';
import {
  cleanupCache,
  cleanupExpiredTokens,
  jobMetrics,
  memoryOutbox,
  memoryTaskState,
  percentile,
  registerTasks,
  retryDelay,
  runMaintenance,
  sendQueuedMail,
  takeHealthSnapshot,
} from '../../src/tasks/index.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function mailSetup(now: () => number = Date.now) {
  const transport = memoryTransport();
  const mailer = createMailer({ transport, from: 'app@example.com', templates: appTemplates, retry: false });
  closers.push(() => mailer.close());
  return { transport, mailer, outbox: memoryOutbox(now) };
}

const otp = (to: string, code = '123456') => ({ template: 'otp' as const, to, data: { name: 'Ann', code } });

describe('sendQueuedMail', () => {
  it('delivers what is queued once, and a second run finds nothing', async () => {
    const { transport, mailer, outbox } = mailSetup();
    const id = await outbox.enqueue(otp('ann@example.com'));
    expect(await sendQueuedMail(mailer, outbox)).toEqual({ sent: 1, retrying: 0, failed: 0, unknown: 0 });
    expect(await sendQueuedMail(mailer, outbox)).toEqual({ sent: 0, retrying: 0, failed: 0, unknown: 0 });
    expect(transport.messages).toHaveLength(1);
    expect(await outbox.get(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('queues one entry per idempotency key', async () => {
    const { outbox } = mailSetup();
    const a = await outbox.enqueue({ ...otp('ann@example.com'), idempotencyKey: 'otp/1' });
    const b = await outbox.enqueue({ ...otp('ann@example.com'), idempotencyKey: 'otp/1' });
    expect(b).toBe(a);
    expect(await outbox.counts()).toEqual({ queued: 1 });
  });

  it('puts a transient failure back with a back-off and sends it when due', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { transport, mailer, outbox } = mailSetup(() => now);
    const id = await outbox.enqueue(otp('ann@example.com'));
    transport.failNext('transient');
    expect(await sendQueuedMail(mailer, outbox)).toMatchObject({ retrying: 1 });
    expect(await outbox.get(id)).toMatchObject({ status: 'queued', lastError: expect.stringContaining('451') });
    now += retryDelay(1) - 1;
    expect(await sendQueuedMail(mailer, outbox)).toMatchObject({ sent: 0 });
    now += 1;
    expect(await sendQueuedMail(mailer, outbox)).toMatchObject({ sent: 1 });
    expect(await outbox.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails a refused recipient at once and never resends an unknown outcome', async () => {
    const { transport, mailer, outbox } = mailSetup();
    const refused = await outbox.enqueue(otp('gone@example.com'));
    const unknown = await outbox.enqueue(otp('ann@example.com'));
    transport.failNext('permanent');
    transport.failNext('unknown');
    expect(await sendQueuedMail(mailer, outbox)).toEqual({ sent: 0, retrying: 0, failed: 1, unknown: 1 });
    expect(await outbox.get(refused)).toMatchObject({ status: 'failed' });
    expect(await outbox.get(unknown)).toMatchObject({ status: 'unknown' });
    expect(await sendQueuedMail(mailer, outbox)).toMatchObject({ sent: 0 });
    expect(transport.messages).toHaveLength(0);
  });

  it('fails an entry whose stored data the template refuses', async () => {
    const { mailer, outbox } = mailSetup();
    const id = await outbox.enqueue({ template: 'otp', to: 'ann@example.com', data: { name: 'Ann', code: 'nope' } });
    expect(await sendQueuedMail(mailer, outbox)).toMatchObject({ failed: 1 });
    expect((await outbox.get(id))?.lastError).toContain('ERR_MAIL_TEMPLATE_DATA');
  });

  it('gives up on a transient failure after maxAttempts', async () => {
    let now = 0;
    const { transport, mailer, outbox } = mailSetup(() => now);
    const id = await outbox.enqueue(otp('ann@example.com'));
    transport.failNext('transient', { times: 2 });
    await sendQueuedMail(mailer, outbox, { maxAttempts: 2 });
    now += retryDelay(1);
    expect(await sendQueuedMail(mailer, outbox, { maxAttempts: 2 })).toMatchObject({ failed: 1 });
    expect(await outbox.get(id)).toMatchObject({ status: 'failed', attempts: 2 });
  });
});

describe('takeHealthSnapshot', () => {
  it('records each snapshot and reports a change of status from the previous one', async () => {
    let ok = true;
    const health = createHealth();
    closers.push(() => health.close());
    health.register('db', async () => ({ status: ok ? 'pass' : 'fail' }), { cacheTtl: 0 });
    const state = memoryTaskState();
    const first = await takeHealthSnapshot(health, state, { slot: new Date(0), instance: 'a' });
    const second = await takeHealthSnapshot(health, state, { slot: new Date(1), instance: 'b' });
    ok = false;
    const third = await takeHealthSnapshot(health, state, { slot: new Date(2), instance: 'a' });
    expect([first.changedFrom, second.changedFrom, third.changedFrom]).toEqual([undefined, undefined, 'pass']);
    expect(third.snapshot).toMatchObject({ status: 'fail', score: 0, failing: ['db'] });
    expect((await state.healthSnapshots(10)).map((s) => s.instance)).toEqual(['a', 'b', 'a']);
  });
});

describe('cleanupCache', () => {
  it('clears the named namespaces and leaves the others', async () => {
    const cache = createCache({ l1: memoryStore() });
    closers.push(() => cache.close());
    await cache.namespace('products').set('1', 'espresso');
    await cache.namespace('sessions').set('s', 'kept');
    const result = await cleanupCache(cache, ['products']);
    expect(result).toMatchObject({ cleared: ['products'], skipped: undefined });
    expect(await cache.namespace('products').get('1')).toBeUndefined();
    expect(await cache.namespace('sessions').get('s')).toBe('kept');
  });
});

describe('cleanupExpiredTokens', () => {
  it('leaves a self-expiring auth store (memory, Redis) alone', async () => {
    expect(await cleanupExpiredTokens(undefined)).toEqual({ store: 'self-expiring', removed: 0 });
  });
});

describe('metrics', () => {
  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  });

  it('counts failures and skipped slots apart from runs', () => {
    const run = (outcome: 'succeeded' | 'failed' | 'skipped', durationMs: number) => ({
      job: 'j',
      slot: 0,
      manual: false,
      runId: 'r',
      attempt: 1,
      outcome,
      startedAt: 0,
      endedAt: durationMs,
      durationMs,
      owner: 'a',
    });
    expect(jobMetrics([run('succeeded', 10), run('failed', 30), run('skipped', 0)])).toEqual({
      runs: 2,
      failed: 1,
      skipped: 1,
      p50Ms: 10,
      p95Ms: 30,
      maxMs: 30,
    });
  });
});

describe('runMaintenance', () => {
  it('purges snapshots past 30 days and ended outbox entries past 30 days, keeping the rest', async () => {
    const day = 24 * 60 * 60_000;
    let now = 0;
    const state = memoryTaskState();
    const outbox = memoryOutbox(() => now);
    const snapshot = (at: number) => ({
      slot: new Date(at),
      instance: 'a',
      status: 'pass' as const,
      score: 100,
      failing: [],
    });
    await state.addHealthSnapshot(snapshot(0));
    const old = await outbox.enqueue(otp('a@example.com'));
    const pending = await outbox.enqueue(otp('b@example.com'));
    await outbox.claim(10, 1000);
    await outbox.markSent(old, '<m@x>');
    now = 31 * day;
    await state.addHealthSnapshot(snapshot(now));
    const result = await runMaintenance({ state, outbox }, { now });
    expect(result.purged).toEqual({ health: 1, metrics: 0, outbox: 1 });
    expect(await outbox.get(pending)).toBeDefined();
    expect(await state.healthSnapshots(10)).toHaveLength(1);
  });
});

describe('registerTasks', () => {
  it('registers all six on their schedules and runs the 5-minute health snapshot on its slot', async () => {
    const clock = createTestClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    const scheduler = createScheduler({ clock, coordinator: memoryCoordinator({ clock }), timezone: 'UTC' });
    const health = createHealth({ clock });
    const cache = createCache({ l1: memoryStore() });
    const { mailer, outbox } = mailSetup(() => clock.now());
    const state = memoryTaskState();
    closers.push(
      () => cache.close(),
      () => health.close(),
      async () => {
        const closing = scheduler.close();
        await clock.advanceAsync(60_000);
        await closing;
      },
    );
    const names = await registerTasks(scheduler, {
      instance: 'test',
      state,
      outbox,
      health,
      cache,
      mailer,
      now: () => clock.now(),
    });
    expect(names).toHaveLength(6);
    const jobs = await scheduler.list();
    expect(Object.fromEntries(jobs.map((j) => [j.name, j.schedule]))).toEqual({
      'auth-token-cleanup': '0 * * * *',
      'health-snapshot': '*/5 * * * *',
      'cache-cleanup': '0 */6 * * *',
      'metrics-aggregation': '5 * * * *',
      'weekly-maintenance': '0 3 * * 0',
      'send-queued-mail': '10000ms',
    });
    await clock.advanceAsync(5 * 60_000);
    const snapshots = await state.healthSnapshots(10);
    expect(snapshots.map((s) => s.slot.toISOString())).toEqual(['2026-01-01T00:05:00.000Z']);
  });

  it('leaves out the tasks whose dependency is missing', async () => {
    const scheduler = createScheduler({ coordinator: memoryCoordinator() });
    closers.push(() => scheduler.close());
    const names = await registerTasks(scheduler, { instance: 't', state: memoryTaskState(), outbox: memoryOutbox() });
    expect(names).toEqual(['auth-token-cleanup', 'metrics-aggregation', 'weekly-maintenance']);
  });
});
