import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue } from '../src/rate-limit/deadline.ts';

describe('DeadlineQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out each pending call at its own deadline, with one timer, and leaves settled calls alone', async () => {
    const queue = new DeadlineQueue(500);
    const never = new Promise<string>(() => {});
    const outcomes: string[] = [];
    const track = (name: string, promise: Promise<string>) =>
      promise.then(
        (value) => outcomes.push(`${name}:${value}`),
        (error: Error) => outcomes.push(`${name}:${error.message}`),
      );
    track(
      'a',
      queue.run(never, () => new Error('timeout')),
    );
    await vi.advanceTimersByTimeAsync(100);
    track(
      'b',
      queue.run(Promise.resolve('ok'), () => new Error('timeout')),
    );
    track(
      'c',
      queue.run(never, () => new Error('timeout')),
    );
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(399);
    expect(outcomes).toEqual(['b:ok']);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes).toEqual(['b:ok', 'a:timeout']);
    await vi.advanceTimersByTimeAsync(99);
    expect(outcomes).toEqual(['b:ok', 'a:timeout']);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes).toEqual(['b:ok', 'a:timeout', 'c:timeout']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when the first call settles early, the timer moves on to the next call in flight', async () => {
    const queue = new DeadlineQueue(500);
    let settleFirst: (value: string) => void = () => {};
    const outcomes: string[] = [];
    const first = queue.run(new Promise<string>((resolve) => (settleFirst = resolve)), () => new Error('timeout'));
    await vi.advanceTimersByTimeAsync(200);
    const second = queue.run(new Promise<string>(() => {}), () => new Error('timeout'));
    first.then((value) => outcomes.push(`first:${value}`));
    second.catch((error: Error) => outcomes.push(`second:${error.message}`));
    settleFirst('ok');
    await vi.advanceTimersByTimeAsync(300);
    expect(outcomes).toEqual(['first:ok']);
    await vi.advanceTimersByTimeAsync(199);
    expect(outcomes).toEqual(['first:ok']);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes).toEqual(['first:ok', 'second:timeout']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes a rejection through untouched', async () => {
    const queue = new DeadlineQueue(500);
    const failure = new Error('boom');
    await expect(queue.run(Promise.reject(failure), () => new Error('timeout'))).rejects.toBe(failure);
  });
});
