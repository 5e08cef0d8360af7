import { describe, expect, it } from 'vitest';
import { DeadlineQueue, withDeadline } from '../src/deadline.ts';
import { createTestClock } from '../src/test-clock.ts';

const timeout = () => new Error('timed out');
const never = () => new Promise<never>(() => {});

describe('withDeadline', () => {
  it('rejects once the time has passed on the clock', async () => {
    const clock = createTestClock(0);
    const result = withDeadline(never(), 100, clock, timeout);
    clock.advance(99);
    expect(clock.pending()).toBe(1);
    clock.advance(1);
    await expect(result).rejects.toThrow('timed out');
  });

  it('settles with the promise and clears its timer', async () => {
    const clock = createTestClock(0);
    await expect(withDeadline(Promise.resolve(7), 100, clock, timeout)).resolves.toBe(7);
    expect(clock.pending()).toBe(0);
    await expect(withDeadline(Promise.reject(new Error('own')), 100, clock, timeout)).rejects.toThrow('own');
    expect(clock.pending()).toBe(0);
  });

  it('sets no timer for an infinite timeout', async () => {
    const clock = createTestClock(0);
    const p = Promise.resolve(1);
    expect(withDeadline(p, Number.POSITIVE_INFINITY, clock, timeout)).toBe(p);
    expect(clock.pending()).toBe(0);
  });
});

describe('DeadlineQueue', () => {
  it('expires calls in order with one timer for all of them', async () => {
    const clock = createTestClock(0);
    const queue = new DeadlineQueue(100, clock);
    const first = queue.run(never(), timeout);
    clock.advance(40);
    const second = queue.run(never(), timeout);
    expect(clock.pending()).toBe(1);
    const outcomes: string[] = [];
    first.catch(() => outcomes.push(`first@${clock.now()}`));
    second.catch(() => outcomes.push(`second@${clock.now()}`));
    clock.advance(60);
    await Promise.resolve();
    await Promise.resolve();
    expect(outcomes).toEqual(['first@100']);
    clock.advance(40);
    await expect(second).rejects.toThrow('timed out');
    expect(outcomes).toEqual(['first@100', 'second@140']);
  });

  it('unlinks a call that settles in time, so it holds nothing', async () => {
    const clock = createTestClock(0);
    const queue = new DeadlineQueue(100, clock);
    await expect(queue.run(Promise.resolve('ok'), timeout)).resolves.toBe('ok');
    expect(queue.size).toBe(0);
    clock.advance(100);
    expect(clock.pending()).toBe(0);
  });
});
