import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { createHealth, createShutdown, HealthError, healthChannels, type Shutdown } from '../src/index.ts';
import { listen } from './serve.ts';
import { wireConnection } from './wire.ts';

const opened: Shutdown[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

function shutdown(options: Parameters<typeof createShutdown>[0] = {}) {
  const exits: number[] = [];
  const clock = createTestClock();
  const s = createShutdown({ signals: [], readinessDelay: 0, exit: (code) => exits.push(code), clock, ...options });
  opened.push(s);
  return { s, exits, clock };
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

  it('gives exit code 1 when a hook throws, and still runs the rest', async () => {
    const { s } = shutdown();
    const ran: string[] = [];
    s.add('first', () => void ran.push('first'));
    s.add('throws', () => {
      throw new Error('nope');
    });
    const result = await s.run();
    expect([result.exitCode, ran, result.hooks.map((h) => [h.name, h.ok])]).toEqual([
      1,
      ['first'],
      [
        ['throws', false],
        ['first', true],
      ],
    ]);
  });

  it('fails a hook at its hookTimeout on the clock, aborting its signal with ERR_HEALTH_HOOK_TIMEOUT', async () => {
    const { s, clock } = shutdown({ hookTimeout: '50ms' });
    let abortReason: unknown;
    s.add('hangs', (signal) => {
      signal.addEventListener('abort', () => (abortReason = signal.reason));
      return new Promise(() => {});
    });
    const running = s.run();
    await clock.advanceAsync(49);
    expect(abortReason).toBeUndefined();
    await clock.advanceAsync(1);
    const result = await running;
    expect(result.hooks[0]).toMatchObject({ name: 'hangs', ok: false, durationMs: 50 });
    expect(abortReason).toEqual(expect.objectContaining({ code: 'ERR_HEALTH_HOOK_TIMEOUT' }));
    expect(abortReason).toBeInstanceOf(HealthError);
  });

  it('a per-hook timeout overrides hookTimeout', async () => {
    const { s, clock } = shutdown({ hookTimeout: '1m' });
    s.add('hangs', () => new Promise(() => {}), { timeout: '2s' });
    const running = s.run();
    await clock.advanceAsync(2_000);
    expect((await running).hooks[0]).toMatchObject({ ok: false, durationMs: 2_000 });
  });

  it('fails readiness for readinessDelay before it closes the servers', async () => {
    await using health = createHealth();
    const server = createServer(health.listener);
    const { url } = await listen(server);
    const { s, clock } = shutdown({ health, readinessDelay: '5s', servers: [server] });
    const running = s.run();
    await clock.advanceAsync(4_999);
    const during = [(await fetch(`${url}/health/ready`)).status, (await fetch(`${url}/health/live`)).status];
    expect([during, server.listening]).toEqual([[503, 200], true]);
    await clock.advanceAsync(1);
    await running;
    expect(server.listening).toBe(false);
  });

  it('cuts connections still busy at drainTimeout and reports drained: false', async () => {
    const server = createServer(() => {
      // never answers
    });
    const { url } = await listen(server);
    const { s, clock } = shutdown({ servers: [server], drainTimeout: '10s' });
    const arrived = once(server, 'request');
    const hanging = fetch(`${url}/`).catch((error: unknown) => error);
    await arrived;
    const running = s.run();
    await clock.advanceAsync(10_000);
    const result = await running;
    expect([result.drained, await hanging, server.listening]).toEqual([false, expect.any(Error), false]);
  });

  it('answers a request arriving on a busy keep-alive connection during the drain with Connection: close', async () => {
    // The app's handler answers synchronously: the drain must never touch headers already sent.
    let release = () => {};
    const server = createServer((req, res) => {
      if (req.url === '/slow') {
        release = () => res.writeHead(200, { 'content-length': '4' }).end('slow');
        return;
      }
      res.writeHead(200, { 'content-length': '4' }).end('fast');
      release();
    });
    const { url } = await listen(server);
    const socket = await wireConnection(Number(new URL(url).port));
    const { s } = shutdown({ servers: [server] });
    const first = once(server, 'request');
    socket.send('/slow');
    await first;
    const running = s.run();
    const second = once(server, 'request');
    socket.send('/fast');
    await second;
    const { responses } = await socket.closed;
    // The earlier answer keeps the connection open (no Connection header: HTTP/1.1's default) for the later one.
    expect(responses.map((r) => [r.body, r.headers.connection])).toEqual([
      ['slow', undefined],
      ['fast', 'close'],
    ]);
    expect((await running).drained).toBe(true);
  });

  it('exits through the exit option on a signal; a second signal forces exit 1', async () => {
    const exits: number[] = [];
    const s = createShutdown({ signals: ['SIGUSR2'], readinessDelay: 0, exit: (code) => exits.push(code) });
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
      const s = createShutdown({ signals: ['SIGUSR2'], readinessDelay: 0, exit: false });
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

  it('keeps no module-level state: closing one leaves the other listening', async () => {
    const before = process.listenerCount('SIGUSR2');
    const a = createShutdown({ signals: ['SIGUSR2'], exit: () => {} });
    const b = createShutdown({ signals: ['SIGUSR2'], exit: () => {} });
    opened.push(b);
    await a.close();
    expect([process.listenerCount('SIGUSR2'), b.started]).toEqual([before + 1, false]);
  });

  it('close() is async and idempotent, and await using calls it', async () => {
    const before = process.listenerCount('SIGUSR2');
    {
      await using s = createShutdown({ signals: ['SIGUSR2'], exit: () => {} });
      const first = s.close();
      expect(s.close()).toBe(first);
      await first;
      expect(process.listenerCount('SIGUSR2')).toBe(before);
    }
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('await using removes the signal listeners and stops watching the servers', async () => {
    const server = createServer(() => {});
    const listenersBefore = [process.listenerCount('SIGUSR2'), server.listenerCount('request')];
    {
      await using _s = createShutdown({ signals: ['SIGUSR2'], servers: [server], exit: () => {} });
      expect([process.listenerCount('SIGUSR2'), server.listenerCount('request')]).toEqual(
        listenersBefore.map((n) => n + 1),
      );
    }
    expect([process.listenerCount('SIGUSR2'), server.listenerCount('request')]).toEqual(listenersBefore);
  });

  it('publishes its phases on healthChannels.shutdown (infra:health:shutdown)', async () => {
    const phases: unknown[] = [];
    const listener = (message: unknown) => phases.push((message as { phase: string }).phase);
    expect(healthChannels.shutdown.name).toBe('infra:health:shutdown');
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

  it('still takes the deprecated ...Ms option names', async () => {
    const clock = createTestClock();
    const s = createShutdown({ signals: [], exit: () => {}, clock, readinessDelayMs: '1s', hookTimeoutMs: 10 });
    opened.push(s);
    s.add('hangs', () => new Promise(() => {}), { timeoutMs: 20 });
    const running = s.run();
    await clock.advanceAsync(1_020);
    expect((await running).hooks[0]).toMatchObject({ ok: false, durationMs: 20 });
  });

  it.each([
    [{ servers: [{}] }, 'servers[0]'],
    [{ signals: ['TERM'] }, 'signals'],
    [{ readinessDelay: 'soon' }, 'readinessDelay'],
    [{ readinessDelayMs: 'soon' }, 'readinessDelayMs'],
    [{ drainTimeout: -5 }, 'drainTimeout'],
    [{ hookTimeout: 0 }, 'hookTimeout'],
    [{ hookTimeout: 1, hookTimeoutMs: 1 }, 'hookTimeout'],
    [{ health: {} }, 'health'],
    [{ exit: 'yes' }, 'exit'],
    [{ clock: { now: () => 0 } }, 'clock'],
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
    expect(() => s.add('x', () => {}, { timeout: 'later' })).toThrow(/"timeout"/);
  });
});
