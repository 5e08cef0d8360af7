/**
 * Several schedulers sharing one memory coordinator on the test clock, as separate processes share Postgres or
 * Redis: exactly once per slot, takeover after a lapsed lease, control flags that hold on every instance, and
 * removal that leaves no ghost schedule.
 */
import { describe, expect, it } from 'vitest';
import type { ClaimRequest, Coordinator } from '../src/index.ts';
import { harness, recorder, wait } from './support.ts';

const start = Date.UTC(2026, 0, 1);

/** A coordinator whose calls fail once `cut()` is called: an instance that lost its network (or died). */
function partitionable(inner: Coordinator): Coordinator & { cut(): void } {
  let down = false;
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      down ? Promise.reject(new Error('partitioned')) : call(...args);
  return {
    kind: inner.kind,
    retention: inner.retention,
    register: guard(inner.register),
    unregister: guard(inner.unregister),
    control: guard(inner.control),
    claim: guard((request: ClaimRequest) => inner.claim(request)),
    renew: guard(inner.renew),
    complete: guard(inner.complete),
    release: guard(inner.release),
    next: guard(inner.next),
    orphans: guard(inner.orphans),
    status: guard(inner.status),
    history: guard(inner.history),
    cut: () => {
      down = true;
    },
  };
}

describe('several instances on one coordinator', () => {
  it('three instances with a per-second cron job run each slot exactly once', async () => {
    const h = harness();
    const runs: { slot: number; instance: string }[] = [];
    for (const instance of ['a', 'b', 'c']) {
      const scheduler = h.scheduler({ instanceId: instance });
      await scheduler.add('tick', '* * * * * *', ({ slot }) => {
        runs.push({ slot: slot.getTime(), instance });
      });
    }
    await h.clock.advanceAsync(60_000);
    const slots = runs.map((r) => r.slot);
    expect(slots).toEqual(Array.from({ length: 60 }, (_, i) => start + (i + 1) * 1_000));
    expect(new Set(runs.map((r) => r.instance)).size).toBeGreaterThan(0);
  });

  it('a run whose instance stops renewing is taken over by another after the lease, as attempt 2', async () => {
    const h = harness();
    const cutA = partitionable(h.coordinator);
    const a = h.scheduler({ instanceId: 'a', coordinator: cutA, lease: '3s', sweepInterval: '1s' });
    const b = h.scheduler({ instanceId: 'b', lease: '3s', sweepInterval: '1s' });
    const onA = recorder(h.clock, () => wait(h.clock, 3_600_000));
    const onB = recorder(h.clock);
    const once = new Date(start + 10_000);
    await a.add('job', once, onA.handler, { maxAttempts: 3 });
    // B adds the job after A claimed the slot, so B's own timer has nothing left to claim.
    await h.clock.advanceAsync(10_000);
    await b.add('job', once, onB.handler, { maxAttempts: 3 });
    expect(onA.seen).toHaveLength(1);
    cutA.cut();
    await h.clock.advanceAsync(2_000);
    expect(onB.seen).toEqual([]);
    await h.clock.advanceAsync(2_000);
    expect(onB.seen.map((s) => [s.slot, s.attempt])).toEqual([[once.toISOString(), 2]]);
    expect(b.stats().takeovers).toBe(1);
    const history = await h.coordinator.history('job', 10);
    expect(history.map((r) => [r.owner, r.attempt, r.outcome])).toEqual([['b', 2, 'succeeded']]);
  });

  it('a takeover past maxAttempts records the run as failed without running it', async () => {
    const h = harness();
    const cutA = partitionable(h.coordinator);
    const a = h.scheduler({ instanceId: 'a', coordinator: cutA, lease: '3s', sweepInterval: '1s' });
    const b = h.scheduler({ instanceId: 'b', lease: '3s', sweepInterval: '1s' });
    const onB = recorder(h.clock);
    const once = new Date(start + 10_000);
    await a.add('job', once, () => wait(h.clock, 3_600_000));
    await h.clock.advanceAsync(10_000);
    await b.add('job', once, onB.handler);
    cutA.cut();
    await h.clock.advanceAsync(5_000);
    expect(onB.seen).toEqual([]);
    const [run] = await h.coordinator.history('job', 1);
    expect(run).toMatchObject({ owner: 'b', outcome: 'failed', attempt: 2 });
  });

  it('pause on one instance holds on every instance; trigger still runs while paused; resume restores', async () => {
    const h = harness();
    const a = h.scheduler({ instanceId: 'a' });
    const b = h.scheduler({ instanceId: 'b' });
    const runs: string[] = [];
    await a.add('job', '1m', () => void runs.push('a'));
    await b.add('job', '1m', () => void runs.push('b'));
    await a.pause('job');
    await h.clock.advanceAsync(180_000);
    expect(runs).toEqual([]);
    expect((await b.list())[0]).toMatchObject({ paused: true, enabled: true });
    const triggered = await b.trigger('job');
    expect(triggered.status).toBe('claimed');
    await h.clock.advanceAsync(0);
    expect(runs).toEqual(['b']);
    await b.resume('job');
    await h.clock.advanceAsync(60_000);
    expect(runs).toHaveLength(2);
  });

  it('disable on one instance stops slots and triggers everywhere; enable restores', async () => {
    const h = harness();
    const a = h.scheduler({ instanceId: 'a' });
    const b = h.scheduler({ instanceId: 'b' });
    const runs: string[] = [];
    await a.add('job', '1m', () => void runs.push('a'));
    await b.add('job', '1m', () => void runs.push('b'));
    await b.disable('job');
    await h.clock.advanceAsync(120_000);
    expect(runs).toEqual([]);
    await expect(a.trigger('job')).rejects.toMatchObject({ code: 'ERR_SCHEDULER_JOB_DISABLED', status: 409 });
    await a.enable('job');
    await h.clock.advanceAsync(60_000);
    expect(runs).toHaveLength(1);
  });

  it('remove() deletes the job from the coordinator, and an instance still holding it stops it: no ghost schedule', async () => {
    const h = harness();
    const a = h.scheduler({ instanceId: 'a' });
    const b = h.scheduler({ instanceId: 'b' });
    const runs: string[] = [];
    await a.add('job', '1m', () => void runs.push('a'));
    await b.add('job', '1m', () => void runs.push('b'));
    await h.clock.advanceAsync(60_000);
    expect(runs).toHaveLength(1);
    await a.remove('job');
    expect(await h.coordinator.status(['job'])).toEqual([]);
    await h.clock.advanceAsync(300_000);
    expect(runs).toHaveLength(1);
    expect(await b.list()).toEqual([]);
  });

  it('re-adding a job by name replaces its definition (upsert), keeping one timer', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const runs: string[] = [];
    await scheduler.add('job', '1m', () => void runs.push('old'));
    await scheduler.add('job', '2m', () => void runs.push('new'));
    await h.clock.advanceAsync(240_000);
    expect(runs).toEqual(['new', 'new']);
    expect((await scheduler.list()).map((j) => j.schedule)).toEqual(['120000ms']);
  });
});

describe('list(), history(), trigger()', () => {
  it('list() shows next run, last run, last status and running count', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('report', '0 3 * * *', () => wait(h.clock, 1_000), { timezone: 'Europe/Vienna' });
    await scheduler.add('fail', '1m', () => {
      throw new Error('nope');
    });
    await h.clock.advanceAsync(60_000);
    const [report, fail] = await scheduler.list();
    expect(report).toMatchObject({
      name: 'report',
      kind: 'cron',
      timezone: 'Europe/Vienna',
      nextRun: new Date('2026-01-01T02:00:00.000Z'),
      lastRun: undefined,
      running: 0,
    });
    expect(fail).toMatchObject({
      lastStatus: 'failed',
      lastRun: expect.objectContaining({ error: 'nope' }),
      running: 0,
    });
    await scheduler.trigger('report');
    expect((await scheduler.list())[0]?.running).toBe(1);
  });

  it('history() lists ended runs newest first with start, end, duration, attempt, outcome and error', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    let n = 0;
    await scheduler.add('job', '1m', async () => {
      await wait(h.clock, 2_000);
      if (++n === 2) throw new Error('second fails');
    });
    await h.clock.advanceAsync(182_000);
    const history = await scheduler.history('job', { limit: 2 });
    expect(history).toEqual([
      expect.objectContaining({
        slot: start + 180_000,
        startedAt: start + 180_000,
        endedAt: start + 182_000,
        durationMs: 2_000,
        attempt: 1,
        outcome: 'succeeded',
        manual: false,
      }),
      expect.objectContaining({ slot: start + 120_000, outcome: 'failed', error: 'second fails' }),
    ]);
  });

  it('a trigger of an unknown job throws ERR_SCHEDULER_UNKNOWN_JOB (status 404)', async () => {
    const h = harness();
    await expect(h.scheduler().trigger('nope')).rejects.toMatchObject({
      code: 'ERR_SCHEDULER_UNKNOWN_JOB',
      status: 404,
    });
  });

  it('a triggered run is manual, and its own slot (not a scheduled one)', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const seen = recorder(h.clock);
    await scheduler.add('job', '1h', seen.handler);
    const { runId, status } = await scheduler.trigger('job');
    await h.clock.advanceAsync(0);
    expect(status).toBe('claimed');
    const [run] = await scheduler.history('job');
    expect(run).toMatchObject({ runId, manual: true, outcome: 'succeeded' });
  });
});
