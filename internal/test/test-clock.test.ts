import { describe, expect, it } from 'vitest';
import { createTestClock } from '../src/test-clock.ts';

describe('createTestClock', () => {
  it('stands still until advanced', () => {
    const clock = createTestClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('fires timers in due order, each at its due time, including timers added by timers', () => {
    const clock = createTestClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      seen.push(`a@${clock.now()}`);
      clock.setTimeout(() => seen.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.setTimeout(() => seen.push(`late@${clock.now()}`), 100);
    clock.advance(50);
    expect(seen).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(50);
    expect(clock.pending()).toBe(1);
  });

  it('fires timers due at the same time in the order they were set', () => {
    const clock = createTestClock(0);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimeout(() => seen.push(i), 10);
    clock.advance(10);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('never fires a cleared timer', () => {
    const clock = createTestClock(0);
    let fired = false;
    const timer = clock.setTimeout(() => {
      fired = true;
    }, 10);
    clock.clearTimeout(timer);
    clock.clearTimeout(undefined);
    clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('lets awaited code run between timers with advanceAsync', async () => {
    const clock = createTestClock(0);
    const seen: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 100));
        seen.push(clock.now());
      }
    };
    const done = loop();
    await clock.advanceAsync(300);
    await done;
    expect(seen).toEqual([100, 200, 300]);
  });

  it('runs every pending timer with runAll and refuses to go backwards', () => {
    const clock = createTestClock(0);
    clock.setTimeout(() => {}, 1_000);
    clock.setTimeout(() => {}, 5);
    expect(clock.runAll()).toBe(2);
    expect(clock.now()).toBe(1_000);
    expect(() => clock.set(10)).toThrow(/before the current time/);
  });
});
