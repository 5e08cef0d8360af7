import { describe, expect, it } from 'vitest';
import { clockOption, systemClock } from '../src/clock.ts';
import { closeOnce } from '../src/close.ts';
import { InfraError, invalidOptionMessage } from '../src/errors.ts';
import { loggerOption } from '../src/logger.ts';
import { optionChecks } from '../src/options.ts';

const invalid = (option: string, problem: string) =>
  new InfraError('ERR_DEMO_INVALID_OPTION', invalidOptionMessage(option, problem));
const check = optionChecks(invalid);

describe('optionChecks', () => {
  it('reads durations as whole milliseconds, with defaults and limits', () => {
    expect(check.duration('1m30s', 'ttl')).toBe(90_000);
    expect(check.duration(0.4, 'ttl')).toBe(0);
    expect(check.duration(undefined, 'ttl', { default: 5 })).toBe(5);
    expect(check.optionalDuration(undefined, 'grace')).toBeUndefined();
    expect(() => check.duration(undefined, 'ttl')).toThrow('Invalid option "ttl": expected milliseconds');
    expect(() => check.duration('5mins', 'ttl')).toThrow('Invalid option "ttl": unknown duration unit "mins"');
    expect(() => check.duration(0, 'timeout', { positive: true })).toThrow(
      'Invalid option "timeout": must be greater than 0',
    );
    expect(() => check.duration('5ms', 'interval', { min: 10 })).toThrow('must be at least 10 ms, got 5');
  });

  it('throws the package error with its code', () => {
    try {
      check.number('3', 'retries');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'ERR_DEMO_INVALID_OPTION',
        message: 'Invalid option "retries": expected a finite number, got "3"',
      });
    }
  });

  it('checks numbers, choices, booleans, strings and functions', () => {
    expect(check.number(undefined, 'n', { default: 3 })).toBe(3);
    expect(() => check.number(1.5, 'n', { integer: true })).toThrow('expected a whole number');
    expect(() => check.number(0, 'n', { min: 1 })).toThrow('must be at least 1, got 0');
    expect(() => check.number(9, 'n', { max: 8 })).toThrow('must be at most 8, got 9');
    expect(check.oneOf(undefined, 'mode', ['a', 'b'], 'a')).toBe('a');
    expect(() => check.oneOf('c', 'mode', ['a', 'b'])).toThrow(`expected one of 'a', 'b', got "c"`);
    expect(check.boolean(undefined, 'flag', true)).toBe(true);
    expect(() => check.boolean('yes', 'flag', true)).toThrow('expected a boolean');
    expect(() => check.string('', 'prefix')).toThrow('expected a non-empty string');
    expect(check.optionalFunction(undefined, 'onError')).toBeUndefined();
    expect(() => check.optionalFunction({}, 'onError')).toThrow('expected a function, got an object');
  });
});

describe('clockOption and loggerOption', () => {
  it('defaults to the system clock and rejects a clock without timers', () => {
    expect(clockOption(undefined, invalid)).toBe(systemClock);
    expect(() => clockOption({ now: () => 0 }, invalid)).toThrow('Invalid option "clock": must have now()');
  });

  it('logs through a pino-shaped logger, swallows a throwing one, rejects a partial one', () => {
    const lines: unknown[] = [];
    const log = loggerOption(
      {
        debug: () => {},
        info: (obj: object, msg?: string) => lines.push([obj, msg]),
        warn: () => {},
        error: () => {
          throw new Error('sink down');
        },
      },
      invalid,
    );
    log('info', { a: 1 }, 'hello');
    expect(lines).toEqual([[{ a: 1 }, 'hello']]);
    expect(() => log('error', {}, 'x')).not.toThrow();
    expect(() => loggerOption({ info: () => {} }, invalid)).toThrow(
      'Invalid option "logger": must have debug(obj, msg)',
    );
  });
});

describe('closeOnce', () => {
  it('runs the release once and returns the same promise to every caller', async () => {
    let runs = 0;
    const close = closeOnce(async () => {
      runs++;
    });
    const first = close();
    expect(close()).toBe(first);
    await first;
    await close();
    expect(runs).toBe(1);
  });
});
