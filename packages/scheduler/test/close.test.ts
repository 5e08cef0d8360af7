/** close(): stops scheduling, lets running jobs finish up to closeTimeout, then aborts them; nothing starts after. */
import { describe, expect, it } from 'vitest';
import { harness, recorder, wait } from './support.ts';

const start = Date.UTC(2026, 0, 1);

describe('close()', () => {
  it("aborts a running job's signal with ERR_SCHEDULER_CLOSED once closeTimeout has passed, not before", async () => {
    const h = harness();
    const scheduler = h.scheduler({ closeTimeout: '10s' });
    let reason: unknown;
    let abortedAt: number | undefined;
    await scheduler.add('long', '1m', ({ signal }) =>
      wait(h.clock, 3_600_000, signal).catch((error: unknown) => {
        reason = error;
        abortedAt = h.clock.now();
        throw error;
      }),
    );
    await h.clock.advanceAsync(60_000);
    const closed = scheduler.close();
    await h.clock.advanceAsync(9_999);
    expect(abortedAt).toBeUndefined();
    await h.clock.advanceAsync(1);
    await closed;
    expect(abortedAt).toBe(start + 70_000);
    expect(reason).toMatchObject({ code: 'ERR_SCHEDULER_CLOSED' });
    const [run] = await h.coordinator.history('long', 1);
    expect(run).toMatchObject({ outcome: 'aborted' });
  });

  it('lets a job that ends within closeTimeout finish and records it as succeeded', async () => {
    const h = harness();
    const scheduler = h.scheduler({ closeTimeout: '10s' });
    await scheduler.add('short', '1m', () => wait(h.clock, 5_000));
    await h.clock.advanceAsync(60_000);
    const closed = scheduler.close();
    await h.clock.advanceAsync(5_000);
    await closed;
    const [run] = await h.coordinator.history('short', 1);
    expect(run).toMatchObject({ outcome: 'succeeded' });
  });

  it('no run starts after close() began: no slot, no retry, no buffered slot', async () => {
    const h = harness();
    const scheduler = h.scheduler({ closeTimeout: '10m', random: () => 0 });
    const every = recorder(h.clock, () => wait(h.clock, 90_000));
    const flaky = recorder(h.clock, () => {
      throw new Error('boom');
    });
    await scheduler.add('every', '1m', every.handler, { overlap: 'buffer-all' });
    await scheduler.add('flaky', new Date(start + 60_000), flaky.handler, {
      maxAttempts: 5,
      backoff: { delay: '10s' },
    });
    await h.clock.advanceAsync(60_000);
    expect(every.seen).toHaveLength(1);
    expect(flaky.seen).toHaveLength(1);
    const closed = scheduler.close();
    await h.clock.advanceAsync(10 * 60_000);
    await closed;
    expect(every.seen).toHaveLength(1);
    expect(flaky.seen).toHaveLength(1);
  });

  it('a retry waiting for its back-off is released at close, so another instance takes it over', async () => {
    const h = harness();
    const a = h.scheduler({ instanceId: 'a', random: () => 0, lease: '3s' });
    await a.add('flaky', new Date(start + 1_000), () => Promise.reject(new Error('boom')), {
      maxAttempts: 3,
      backoff: { delay: '1m' },
    });
    await h.clock.advanceAsync(2_000);
    await a.close();
    const b = h.scheduler({ instanceId: 'b', sweepInterval: '1s' });
    const seen = recorder(h.clock);
    await b.add('flaky', new Date(start + 1_000), seen.handler, { maxAttempts: 3 });
    await h.clock.advanceAsync(1_000);
    expect(seen.seen.map((s) => s.attempt)).toEqual([2]);
  });

  it('trigger() and add() after close() throw ERR_SCHEDULER_CLOSED; close() is idempotent', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('job', '1m', () => {});
    const first = scheduler.close();
    expect(scheduler.close()).toBe(first);
    await first;
    await expect(scheduler.trigger('job')).rejects.toMatchObject({ code: 'ERR_SCHEDULER_CLOSED' });
    expect(() => scheduler.add('other', '1m', () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_SCHEDULER_CLOSED' }),
    );
  });

  it('leaves no timer of its own on the clock', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('job', '1m', () => {});
    await scheduler.add('cron', '*/5 * * * * *', () => {});
    await h.clock.advanceAsync(120_000);
    await scheduler.close();
    expect(h.clock.pending()).toBe(0);
  });

  it('await using closes it', async () => {
    const h = harness();
    const seen = recorder(h.clock);
    {
      await using scheduler = h.scheduler();
      await scheduler.add('job', '1m', seen.handler);
    }
    await h.clock.advanceAsync(120_000);
    expect(seen.seen).toEqual([]);
  });
});
