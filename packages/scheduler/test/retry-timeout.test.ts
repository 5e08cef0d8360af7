/** Retries with exponential back-off and jitter, and per-attempt timeouts, on the test clock. */

import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { schedulerChannels } from '../src/index.ts';
import { harness, recorder, wait } from './support.ts';

const start = Date.UTC(2026, 0, 1);
const at = (ms: number) => new Date(start + ms).toISOString();

describe('retries', () => {
  it('retries a failed run after delay × factor^(attempt−1): 10 s, then 20 s', async () => {
    const h = harness();
    const scheduler = h.scheduler({ random: () => 0 });
    let calls = 0;
    const job = recorder(h.clock, () => {
      if (++calls < 3) throw new Error(`boom ${calls}`);
    });
    await scheduler.add('flaky', new Date(start + 1_000), job.handler, {
      maxAttempts: 3,
      backoff: { delay: '10s', factor: 2 },
    });
    await h.clock.advanceAsync(60_000);
    expect(job.seen.map((s) => [s.at, s.attempt])).toEqual([
      [at(1_000), 1],
      [at(11_000), 2],
      [at(31_000), 3],
    ]);
    const [run] = await scheduler.history('flaky');
    expect(run).toMatchObject({ outcome: 'succeeded', attempt: 3 });
  });

  it('jitter shortens each delay by up to its fraction: random() = 0.5 and jitter 0.2 make 10 s into 9 s', async () => {
    const h = harness();
    const scheduler = h.scheduler({ random: () => 0.5 });
    const job = recorder(h.clock, ({ attempt }) => {
      if (attempt === 1) throw new Error('boom');
    });
    await scheduler.add('flaky', new Date(start + 1_000), job.handler, {
      maxAttempts: 2,
      backoff: { delay: '10s', jitter: 0.2 },
    });
    await h.clock.advanceAsync(60_000);
    expect(job.seen.map((s) => s.at)).toEqual([at(1_000), at(10_000)]);
  });

  it('records the last error after maxAttempts failures', async () => {
    const h = harness();
    const scheduler = h.scheduler({ random: () => 0 });
    await scheduler.add(
      'broken',
      new Date(start + 1_000),
      ({ attempt }) => {
        throw new Error(`failure ${attempt}`);
      },
      { maxAttempts: 2, backoff: { delay: '1s' } },
    );
    await h.clock.advanceAsync(10_000);
    const [run] = await scheduler.history('broken');
    expect(run).toMatchObject({ outcome: 'failed', attempt: 2, error: 'failure 2' });
    expect(scheduler.stats()).toMatchObject({ failed: 1, retried: 1 });
  });

  it('the back-off is capped at maxDelay', async () => {
    const h = harness();
    const scheduler = h.scheduler({ random: () => 0 });
    const job = recorder(h.clock, ({ attempt }) => {
      if (attempt < 4) throw new Error('boom');
    });
    await scheduler.add('flaky', new Date(start + 1_000), job.handler, {
      maxAttempts: 4,
      backoff: { delay: '10s', factor: 10, maxDelay: '30s' },
    });
    await h.clock.advanceAsync(200_000);
    // 10 s, then min(100 s, 30 s), then min(1000 s, 30 s).
    expect(job.seen.map((s) => s.at)).toEqual([at(1_000), at(11_000), at(41_000), at(71_000)]);
  });
});

describe('timeout', () => {
  it("aborts the attempt's signal with ERR_SCHEDULER_TIMEOUT when the timeout passes, and fails the attempt", async () => {
    const h = harness();
    const scheduler = h.scheduler();
    let abortedAt: number | undefined;
    let reason: unknown;
    await scheduler.add(
      'slow',
      new Date(start + 1_000),
      ({ signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            abortedAt = h.clock.now();
            reason = signal.reason;
            reject(signal.reason);
          });
        }),
      { timeout: '5s' },
    );
    await h.clock.advanceAsync(5_999);
    expect(abortedAt).toBeUndefined();
    await h.clock.advanceAsync(1);
    expect(abortedAt).toBe(start + 6_000);
    expect(reason).toMatchObject({ code: 'ERR_SCHEDULER_TIMEOUT' });
    const [run] = await scheduler.history('slow');
    expect(run).toMatchObject({ outcome: 'failed', durationMs: 5_000 });
    expect(scheduler.stats().timedOut).toBe(1);
  });

  it('a timed-out attempt is retried when attempts are left', async () => {
    const h = harness();
    const scheduler = h.scheduler({ random: () => 0 });
    const job = recorder(h.clock, ({ attempt, signal }) => (attempt === 1 ? wait(h.clock, 60_000, signal) : undefined));
    await scheduler.add('slow', new Date(start + 1_000), job.handler, {
      timeout: '5s',
      maxAttempts: 2,
      backoff: { delay: '1s' },
    });
    await h.clock.advanceAsync(30_000);
    expect(job.seen.map((s) => [s.at, s.attempt])).toEqual([
      [at(1_000), 1],
      [at(7_000), 2],
    ]);
  });

  it('a handler that ignores its signal past the timeout is reported by stuck()', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    await scheduler.add('ignores', new Date(start + 1_000), () => wait(h.clock, 60_000), { timeout: '5s' });
    await h.clock.advanceAsync(10_000);
    expect(scheduler.stuck()).toEqual([{ job: 'ignores', runId: expect.any(String), overdueMs: 4_000 }]);
    await h.clock.advanceAsync(60_000);
    expect(scheduler.stuck()).toEqual([]);
  });
});

describe('events', () => {
  it('publishes run-start with the lateness (start − slot) and run-end with the outcome', async () => {
    const h = harness();
    const scheduler = h.scheduler();
    const events: [string, unknown][] = [];
    const onStart = (message: unknown) => events.push(['start', message]);
    const onEnd = (message: unknown) => events.push(['end', message]);
    subscribe(schedulerChannels['run-start'].name as string, onStart);
    subscribe(schedulerChannels['run-end'].name as string, onEnd);
    try {
      await scheduler.add('tick', '1m', () => wait(h.clock, 2_000));
      await h.clock.advanceAsync(62_000);
    } finally {
      unsubscribe(schedulerChannels['run-start'].name as string, onStart);
      unsubscribe(schedulerChannels['run-end'].name as string, onEnd);
    }
    expect(events).toEqual([
      ['start', expect.objectContaining({ job: 'tick', slot: start + 60_000, attempt: 1, latenessMs: 0 })],
      ['end', expect.objectContaining({ job: 'tick', outcome: 'succeeded', durationMs: 2_000 })],
    ]);
  });
});
