/**
 * Overlap policies, as Temporal names them, on the test clock: a 1-minute job whose runs take longer than a
 * minute. Each test decides which slots started when.
 */
import { describe, expect, it } from 'vitest';
import { SchedulerError } from '../src/index.ts';
import { harness, recorder, wait } from './support.ts';

const minute = 60_000;
const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

describe('overlap', () => {
  it("'skip' (the default) records a slot that comes while a run goes as skipped", async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const job = recorder(h.clock, () => wait(h.clock, 90_000));
    await scheduler.add('long', '1m', job.handler);
    await h.clock.advanceAsync(3 * minute + 1);
    expect(job.seen.map((s) => s.slot)).toEqual([t(60), t(180)]);
    // History is newest-ended first: slot 120 was skipped at 120, slot 60 ended at 150.
    const history = await scheduler.history('long');
    expect(history.map((r) => [new Date(r.slot).toISOString(), r.outcome])).toEqual([
      [t(60), 'succeeded'],
      [t(120), 'skipped'],
    ]);
  });

  it("'buffer-one' keeps one slot waiting and skips the others; the waiting one starts when the run ends", async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const job = recorder(h.clock, () => wait(h.clock, 150_000));
    await scheduler.add('long', '1m', job.handler, { overlap: 'buffer-one' });
    await h.clock.advanceAsync(5 * minute + 1);
    // 60 runs until 210; 120 waits; 180 is skipped (one waits already); 120 starts at 210 and runs until 360;
    // 240 waits; 300 is skipped.
    expect(job.seen.map((s) => [s.slot, s.at])).toEqual([
      [t(60), t(60)],
      [t(120), t(210)],
    ]);
    const skipped = (await scheduler.history('long'))
      .filter((r) => r.outcome === 'skipped')
      .map((r) => new Date(r.slot).toISOString());
    expect(skipped.sort()).toEqual([t(180), t(300)]);
  });

  it("'buffer-all' runs every slot, one after the other", async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const job = recorder(h.clock, () => wait(h.clock, 100_000));
    await scheduler.add('long', '1m', job.handler, { overlap: 'buffer-all' });
    await h.clock.advanceAsync(270_000);
    expect(job.seen.map((s) => [s.slot, s.at])).toEqual([
      [t(60), t(60)],
      [t(120), t(160)],
      [t(180), t(260)],
    ]);
  });

  it("'cancel-other' aborts the running run's signal with ERR_SCHEDULER_CANCELLED when the next slot starts", async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const reasons: unknown[] = [];
    const job = recorder(h.clock, ({ signal }) =>
      wait(h.clock, 10 * minute, signal).catch((reason: unknown) => {
        reasons.push(reason);
        throw reason;
      }),
    );
    await scheduler.add('long', '1m', job.handler, { overlap: 'cancel-other' });
    await h.clock.advanceAsync(2 * minute);
    expect(job.slots()).toEqual([t(60), t(120)]);
    expect(reasons).toEqual([expect.objectContaining({ code: 'ERR_SCHEDULER_CANCELLED' })]);
    expect(reasons[0]).toBeInstanceOf(SchedulerError);
    const [ended] = await scheduler.history('long');
    expect(ended).toMatchObject({ slot: Date.parse(t(60)), outcome: 'aborted' });
  });

  it("'allow-all' lets runs overlap", async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const job = recorder(h.clock, () => wait(h.clock, 150_000));
    await scheduler.add('long', '1m', job.handler, { overlap: 'allow-all' });
    await h.clock.advanceAsync(3 * minute);
    expect(job.slots()).toEqual([t(60), t(120), t(180)]);
    expect(scheduler.stats().running).toBe(3);
  });

  it("'skip' holds across instances: a slot claimed on B while A's run goes is skipped", async () => {
    const h = harness();
    const a = h.scheduler({ instanceId: 'a' });
    const b = h.scheduler({ instanceId: 'b' });
    const runs: string[] = [];
    const long = (name: string) => async () => {
      runs.push(name);
      await wait(h.clock, 90_000);
    };
    await a.add('long', '1m', long('a'));
    await b.add('long', '1m', long('b'));
    await h.clock.advanceAsync(2 * minute);
    // Slot 60 ran on one instance; slot 120 came while it ran, so it was skipped on both.
    expect(runs).toHaveLength(1);
  });
});
