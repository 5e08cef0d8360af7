import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, createShutdown, type HealthError, type Shutdown } from '../src/index.ts';
import { listen } from './serve.ts';

const opened: Shutdown[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function shutdown(options: Parameters<typeof createShutdown>[0] = {}) {
  const exits: number[] = [];
  const s = createShutdown({ signals: [], readinessDelayMs: 0, exit: (code) => exits.push(code), ...options });
  opened.push(s);
  return { s, exits };
}

describe('createShutdown', () => {
  it('runs hooks in reverse order and resolves exit code 0', async () => {
    const { s } = shutdown();
    const order: string[] = [];
    s.add('pool', () => void order.push('pool'));
    s.add('redis', async () => void order.push('redis'));
    s.add('scheduler', () => void order.push('scheduler'));
    const result = await s.run('deploy');
    expect(order).toEqual(['scheduler', 'redis', 'pool']);
    expect(result).toMatchObject({ exitCode: 0, reason: 'deploy', drained: true });
    expect(result.hooks.map((h) => [h.name, h.ok])).toEqual([
      ['scheduler', true],
      ['redis', true],
      ['pool', true],
    ]);
  });

  it('gives exit code 1 when a hook throws or times out, and still runs the rest', async () => {
    const { s } = shutdown({ hookTimeoutMs: 50 });
    const ran: string[] = [];
    let abortReason: unknown;
    s.add('first', () => void ran.push('first'));
    s.add('hangs', (signal) => {
      signal.addEventListener('abort', () => (abortReason = signal.reason));
      return new Promise(() => {});
    });
    s.add('throws', () => {
      throw new Error('nope');
    });
    const started = performance.now();
    const result = await s.run();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.exitCode).toBe(1);
    expect(result.hooks.map((h) => [h.name, h.ok])).toEqual([
      ['throws', false],
      ['hangs', false],
      ['first', true],
    ]);
    expect(ran).toEqual(['first']);
    expect((abortReason as HealthError).code).toBe('ERR_HEALTH_HOOK_TIMEOUT');
  });

  it('fails readiness before waiting readinessDelayMs, then closes the servers', async () => {
    const health = createHealth();
    const server = await listen(health.listener);
    let readyDuringDelay = 0;
    const { s } = shutdown({ health, readinessDelayMs: 200, servers: [] });
    const running = s.run();
    await new Promise((resolve) => setTimeout(resolve, 50));
    readyDuringDelay = (await fetch(`${server.url}/health/ready`)).status;
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    await running;
    await server.close();
    expect(readyDuringDelay).toBe(503);
    expect(health.shuttingDown).toBe(true);
  });

  it('cuts connections still busy after drainTimeoutMs and reports drained: false', async () => {
    const server = createServer(() => {
      // never answers
    });
    const { url } = await listen(server);
    const hanging = fetch(`${url}/`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { s } = shutdown({ servers: [server], drainTimeoutMs: 100 });
    const result = await s.run();
    expect(result.drained).toBe(false);
    expect(await hanging).toBeInstanceOf(Error);
    expect(server.listening).toBe(false);
  });

  it('exits through the exit option on a signal; a second signal forces exit 1', async () => {
    const exits: number[] = [];
    const s = createShutdown({ signals: ['SIGUSR2'], readinessDelayMs: 0, exit: (code) => exits.push(code) });
    opened.push(s);
    let release = () => {};
    const hookStarted = new Promise<void>((started) => {
      s.add('slow', () => {
        started();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      });
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(s.started).toBe(true);
    await hookStarted;
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(exits).toEqual([1]);
    release();
    await s.run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1, 0]);
  });

  it('with exit: false only sets process.exitCode', async () => {
    const before = process.exitCode;
    try {
      const s = createShutdown({ signals: ['SIGUSR2'], readinessDelayMs: 0, exit: false });
      opened.push(s);
      s.add('bad', () => {
        throw new Error('x');
      });
      process.emit('SIGUSR2', 'SIGUSR2');
      const result = await s.run();
      await new Promise((resolve) => setImmediate(resolve));
      expect(result.exitCode).toBe(1);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
  });

  it('keeps no module-level state and removes its signal listeners on close', () => {
    const before = process.listenerCount('SIGUSR2');
    const a = createShutdown({ signals: ['SIGUSR2'], exit: () => {} });
    const b = createShutdown({ signals: ['SIGUSR2'], exit: () => {} });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 2);
    a.close();
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    expect(b.started).toBe(false);
    b[Symbol.dispose]();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('publishes its phases on infra:health:shutdown', async () => {
    const phases: unknown[] = [];
    const listener = (message: unknown) => phases.push((message as { phase: string }).phase);
    subscribe('infra:health:shutdown', listener);
    try {
      const { s } = shutdown();
      await s.run('test');
      expect(phases).toEqual(['start', 'drain', 'end']);
    } finally {
      unsubscribe('infra:health:shutdown', listener);
    }
  });

  it('returns the same run when started twice', () => {
    const { s } = shutdown();
    expect(s.run()).toBe(s.run());
  });

  it.each([
    [{ servers: [{}] }, 'servers[0]'],
    [{ signals: ['TERM'] }, 'signals'],
    [{ readinessDelayMs: 'soon' }, 'readinessDelayMs'],
    [{ drainTimeoutMs: -5 }, 'drainTimeoutMs'],
    [{ hookTimeoutMs: 0 }, 'hookTimeoutMs'],
    [{ health: {} }, 'health'],
    [{ exit: 'yes' }, 'exit'],
  ])('rejects %j naming %s', (options, name) => {
    expect(() => createShutdown(options as Parameters<typeof createShutdown>[0])).toThrow(
      expect.objectContaining({ code: 'ERR_HEALTH_INVALID_OPTION', message: expect.stringContaining(`"${name}"`) }),
    );
  });

  it('rejects bad hooks', () => {
    const { s } = shutdown();
    expect(() => s.add('', () => {})).toThrow(/"name"/);
    expect(() => s.add('x', 'no' as never)).toThrow(/"hook"/);
    // @ts-expect-error not a Duration: the type rejects it, and so must the run-time check
    expect(() => s.add('x', () => {}, { timeoutMs: 'later' })).toThrow(/"timeoutMs"/);
  });
});
