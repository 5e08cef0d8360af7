/** Bad input throws at once with a stable code naming what was wrong. */
import { describe, expect, it } from 'vitest';
import { createScheduler, memoryCoordinator } from '../src/index.ts';
import { harness } from './support.ts';

describe('options', () => {
  it.each([
    ['timezone', { timezone: 'Mars/Olympus' }],
    ['lease', { lease: '5mins' }],
    ['closeTimeout', { closeTimeout: -1 }],
    ['clock', { clock: {} }],
    ['logger', { logger: { info() {} } }],
    ['coordinator', { coordinator: {} }],
  ])('createScheduler rejects a bad %s', (option, options) => {
    expect(() => createScheduler(options as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_SCHEDULER_INVALID_OPTION',
        message: expect.stringContaining(`"${option}"`),
      }),
    );
  });

  it.each([
    ['overlap', { overlap: 'queue' }],
    ['catchup', { catchup: 'some' }],
    ['maxAttempts', { maxAttempts: 0 }],
    ['timeout', { timeout: 0 }],
    ['backoff.jitter', { backoff: { jitter: 2 } }],
    ['timezone', { timezone: 'Nowhere' }],
    ['catchupWindow', { catchupWindow: '30d' }],
  ])('add rejects a bad %s', (option, options) => {
    const h = harness();
    expect(() => h.scheduler().add('job', '1m', () => {}, options as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_SCHEDULER_INVALID_OPTION',
        message: expect.stringContaining(`"${option}"`),
      }),
    );
  });

  it.each(['', 'has space', 'curly{tag}', 'x'.repeat(201)])('add rejects the job name %j', (name) => {
    const h = harness();
    expect(() => h.scheduler().add(name, '1m', () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_SCHEDULER_INVALID_OPTION' }),
    );
  });

  it('add rejects a schedule that never runs', () => {
    const h = harness();
    expect(() => h.scheduler().add('feb30', '0 0 30 2 *', () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_SCHEDULER_INVALID_SCHEDULE' }),
    );
  });

  it('add rejects a handler that is not a function', () => {
    const h = harness();
    expect(() => h.scheduler().add('job', '1m', 'nope' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_SCHEDULER_INVALID_OPTION' }),
    );
  });

  it('memoryCoordinator rejects a bad historySize', () => {
    expect(() => memoryCoordinator({ historySize: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_SCHEDULER_INVALID_OPTION' }),
    );
  });
});
