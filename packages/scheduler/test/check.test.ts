/** schedulerCheck and the shutdown hook, with @infra/health's own createHealth and createShutdown. */
import { createHealth, createShutdown } from '@infra/health';
import { describe, expect, it } from 'vitest';
import { type Coordinator, schedulerCheck, schedulerShutdownHook } from '../src/index.ts';
import { harness, wait } from './support.ts';

const start = Date.UTC(2026, 0, 1);

describe('schedulerCheck', () => {
  it('passes when nothing is stuck or missed', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('job', '1m', () => {});
    await h.clock.advanceAsync(60_000);
    expect(await schedulerCheck({ scheduler, clock: h.clock })()).toEqual({
      status: 'pass',
      observedValue: { jobs: 1, running: 0, stuck: 0, missed: 0 },
    });
  });

  it('fails when a handler runs past its timeout, naming it', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('ignores', new Date(start + 1_000), () => wait(h.clock, 3_600_000), { timeout: '5s' });
    await h.clock.advanceAsync(7_000);
    const result = await schedulerCheck({ scheduler, clock: h.clock })();
    expect(result).toMatchObject({ status: 'fail', output: 'stuck: ignores (1000 ms past its timeout)' });
  });

  it('warns when a slot was missed within missedWindow, and passes again once it is older', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('hourly', '0 * * * *', () => {}, { catchup: 'none' });
    h.clock.set(start + 2.5 * 3_600_000);
    await h.clock.advanceAsync(0);
    const check = schedulerCheck({ scheduler, clock: h.clock, missedWindow: '30m' });
    expect(await check()).toMatchObject({ status: 'warn', output: 'missed slots: hourly (1)' });
    await h.clock.advanceAsync(31 * 60_000);
    expect((await check()).status).toBe('pass');
  });

  it('fails when the coordinator cannot be read', async () => {
    const h = harness();
    const broken: Coordinator = { ...h.coordinator, status: () => Promise.reject(new Error('connection refused')) };
    const scheduler = h.scheduler({ coordinator: broken });
    expect(await schedulerCheck({ scheduler })()).toMatchObject({
      status: 'fail',
      output: expect.stringContaining('coordinator unreachable'),
    });
  });

  it("plugs into @infra/health's register as it is", async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const health = createHealth({ clock: h.clock });
    health.register('scheduler', schedulerCheck({ scheduler, clock: h.clock }));
    const report = await health.check('health');
    expect(report.checks).toEqual([
      expect.objectContaining({ name: 'scheduler', status: 'pass', componentType: 'component' }),
    ]);
    await health.close();
  });
});

describe('schedulerShutdownHook', () => {
  it("closes the scheduler from @infra/health's shutdown: the running job finishes, nothing new starts", async () => {
    const h = harness();
    const scheduler = h.scheduler({ closeTimeout: '10s' });
    const runs: number[] = [];
    await scheduler.add('job', '1m', async () => {
      runs.push(h.clock.now());
      await wait(h.clock, 3_000);
    });
    await h.clock.advanceAsync(60_000);
    const shutdown = createShutdown({ signals: [], readinessDelay: 0, exit: () => {}, clock: h.clock });
    shutdown.add('scheduler', schedulerShutdownHook(scheduler), { timeout: '15s' });
    const result = shutdown.run('test');
    await h.clock.advanceAsync(3_000);
    expect(await result).toMatchObject({
      exitCode: 0,
      hooks: [expect.objectContaining({ name: 'scheduler', ok: true })],
    });
    await h.clock.advanceAsync(300_000);
    expect(runs).toEqual([start + 60_000]);
    const [run] = await h.coordinator.history('job', 1);
    expect(run?.outcome).toBe('succeeded');
  });
});
