/**
 * Catch-up after downtime, on the test clock: an hourly job runs on instance A, A goes away, five hours pass,
 * instance B starts on the same coordinator. What B runs depends on the job's catch-up policy.
 */
import { describe, expect, it } from 'vitest';
import type { CatchupPolicy, JobOptions } from '../src/index.ts';
import { harness, recorder } from './support.ts';

const hour = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 0, 1) + hours * hour).toISOString();

async function afterDowntime(options: JobOptions & { catchup: CatchupPolicy }): Promise<string[]> {
  const h = harness();
  const a = h.scheduler({ instanceId: 'a' });
  const before = recorder(h.clock);
  await a.add('hourly', '0 * * * *', before.handler, options);
  await h.clock.advanceAsync(2 * hour + 1);
  expect(before.slots()).toEqual([at(1), at(2)]);
  await a.close();
  // Down from 02:00 to 07:30: the 03:00 ... 07:00 slots pass with no instance up.
  h.clock.set(Date.UTC(2026, 0, 1) + 7.5 * hour);
  const b = h.scheduler({ instanceId: 'b' });
  const after = recorder(h.clock);
  await b.add('hourly', '0 * * * *', after.handler, options);
  await h.clock.advanceAsync(0);
  return after.slots();
}

describe('catch-up after downtime', () => {
  it("'none' runs nothing missed", async () => {
    expect(await afterDowntime({ catchup: 'none' })).toEqual([]);
  });

  it("'latest' (the default) runs the latest missed slot once", async () => {
    expect(await afterDowntime({ catchup: 'latest', catchupWindow: '6h' })).toEqual([at(7)]);
  });

  it("'all' runs every missed slot, oldest first, up to maxCatchup (the latest ones)", async () => {
    expect(await afterDowntime({ catchup: 'all', maxCatchup: 3, catchupWindow: '6h' })).toEqual([at(5), at(6), at(7)]);
  });

  it("'all' runs only slots within catchupWindow (default '1h')", async () => {
    expect(await afterDowntime({ catchup: 'all', catchupWindow: '2h' })).toEqual([at(6), at(7)]);
    expect(await afterDowntime({ catchup: 'all' })).toEqual([at(7)]);
  });

  it('a job first seen now catches nothing up (catch-up reaches back only to when the job was known)', async () => {
    const h = harness(Date.UTC(2026, 0, 1) + 7.5 * hour);
    const job = recorder(h.clock);
    await h.scheduler().add('hourly', '0 * * * *', job.handler, { catchup: 'all' });
    await h.clock.advanceAsync(0);
    expect(job.slots()).toEqual([]);
  });

  it('the dropped slots are counted as missed and shown by list()', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('hourly', '0 * * * *', () => {}, { catchup: 'none' });
    // The event loop stalls for 3.5 hours: the timer fires late, at 03:30.
    h.clock.set(Date.UTC(2026, 0, 1) + 3.5 * hour);
    await h.clock.advanceAsync(0);
    const [info] = await scheduler.list();
    // 03:00 is the slot due now and runs; 01:00 and 02:00 passed while stalled.
    expect(info?.missed).toBe(2);
    expect(info?.lastRun?.slot).toBe(Date.parse(at(3)));
  });

  it('a stalled timer with catch-up "latest" runs the latest missed slot and the one due now', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const job = recorder(h.clock);
    await scheduler.add('hourly', '0 * * * *', job.handler, { catchup: 'latest', catchupWindow: '6h' });
    h.clock.set(Date.UTC(2026, 0, 1) + 3.5 * hour);
    await h.clock.advanceAsync(0);
    expect(job.slots()).toEqual([at(2), at(3)]);
  });
});
