/**
 * Graceful shutdown end to end: a real node:http service in a child process (fixtures/shutdown-server.ts),
 * real signals, real sockets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readHealthResponse } from './health-json-validator.ts';
import { wireConnection } from './wire.ts';

const fixture = join(import.meta.dirname, 'fixtures/shutdown-server.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Event {
  event: string;
  [field: string]: unknown;
}

async function start(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const events: Event[] = [];
  const waiters: { test: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const event = JSON.parse(buffer.slice(0, nl)) as Event;
      buffer = buffer.slice(nl + 1);
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.test(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (test: (e: Event) => boolean) =>
    new Promise<Event>((resolve) => {
      const seen = events.find(test);
      if (seen) resolve(seen);
      else waiters.push({ test, resolve });
    });
  const listening = await waitFor((e) => e.event === 'listening');
  const port = listening.port as number;
  const base = `http://127.0.0.1:${port}`;
  return { child, events, waitFor, exited, base, port, stderr: () => stderr };
}

const hookOrder = (events: Event[]) => events.filter((e) => e.event === 'hook').map((e) => e.name);

describe('createShutdown in a real process', () => {
  it('flips readiness first, drains the in-flight request, runs hooks in reverse, exits 0', async () => {
    const service = await start();
    expect((await fetch(`${service.base}/health/ready`)).status).toBe(200);

    const inFlight = fetch(`${service.base}/slow`);
    await service.waitFor((e) => e.event === 'slow-start');
    service.child.kill('SIGTERM');
    await service.waitFor((e) => e.event === 'log' && e.msg === 'shutting down');

    // During readinessDelay the server still accepts: readiness says 503, liveness still 200.
    const ready = await fetch(`${service.base}/health/ready`);
    expect(ready.status).toBe(503);
    const { violations, body } = await readHealthResponse(ready);
    expect(violations).toEqual([]);
    expect(body.status).toBe('fail');
    expect((await fetch(`${service.base}/health/live`)).status).toBe(200);

    const slow = await inFlight;
    expect([slow.status, await slow.text()]).toEqual([200, 'slow done']);

    const { code } = await service.exited;
    expect(code, service.stderr()).toBe(0);
    expect(hookOrder(service.events)).toEqual(['scheduler', 'cache', 'postgres']);
    // The in-flight request ended before the first hook ran: hooks close what requests use.
    const order = service.events.map((e) => (e.event === 'hook' ? `hook:${e.name}` : e.event));
    expect(order.indexOf('slow-end')).toBeLessThan(order.indexOf('hook:scheduler'));
    // After the servers closed, nothing is accepted any more.
    await expect(fetch(`${service.base}/health/live`)).rejects.toThrow();
  });

  it('exits 1 when a hook fails, after still running the others', async () => {
    const service = await start({ HOOK_FAIL: '1', READINESS_DELAY_MS: '0' });
    service.child.kill('SIGTERM');
    const { code } = await service.exited;
    expect(code, service.stderr()).toBe(1);
    expect(hookOrder(service.events)).toEqual(['scheduler', 'cache', 'postgres']);
    expect(service.events).toContainEqual(
      expect.objectContaining({ event: 'log', level: 'error', msg: 'shutdown hook failed' }),
    );
  });

  it('forces exit 1 on a second signal while a hook hangs', async () => {
    const service = await start({ HANG_HOOK: '1', READINESS_DELAY_MS: '0' });
    service.child.kill('SIGINT');
    await service.waitFor((e) => e.event === 'hook' && e.name === 'stuck');
    service.child.kill('SIGINT');
    const { code } = await service.exited;
    expect(code).toBe(1);
    expect(service.events).toContainEqual(expect.objectContaining({ msg: 'second signal: forcing exit' }));
    // The stuck hook was first (added last); the others never got their turn.
    expect(hookOrder(service.events)).toEqual(['stuck']);
  });

  it('answers a request that arrives on a busy keep-alive socket during the drain, with Connection: close', async () => {
    const service = await start({ SLOW_RELEASE: 'fast', READINESS_DELAY_MS: '0' });
    const socket = await wireConnection(service.port);
    socket.send('/slow');
    await service.waitFor((e) => e.event === 'slow-start');
    service.child.kill('SIGTERM');
    await service.waitFor((e) => e.event === 'phase' && e.phase === 'drain');
    // Pipelined behind the in-flight /slow; the app answers it synchronously (and then lets /slow finish).
    socket.send('/fast');
    const { responses, leftover } = await socket.closed;
    const { code } = await service.exited;
    expect({ code, stderr: service.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(responses.map((r) => [r.status, r.body])).toEqual([
      [200, 'slow done'],
      [200, 'fast'],
    ]);
    expect(responses[1]?.headers.connection).toBe('close');
    expect(leftover).toBe('');
    expect(hookOrder(service.events)).toEqual(['scheduler', 'cache', 'postgres']);
  });

  it('under load: every in-flight keep-alive request and every request arriving during the drain is answered in full', async () => {
    const service = await start({ SLOW_RELEASE: 'fast', READINESS_DELAY_MS: '0' });
    const sockets = await Promise.all(Array.from({ length: 100 }, () => wireConnection(service.port)));
    // Half have sent their headers (keep-alive promised) before the drain begins, half have not.
    for (const [i, socket] of sockets.entries()) socket.send(i % 2 === 0 ? '/slow' : '/stream');
    await service.waitFor(() => service.events.filter((e) => e.event === 'slow-start').length === sockets.length);
    service.child.kill('SIGTERM');
    await service.waitFor((e) => e.event === 'phase' && e.phase === 'drain');
    for (const socket of sockets) socket.send('/fast');
    const results = await Promise.all(sockets.map((socket) => socket.closed));
    const { code } = await service.exited;
    expect({ code, stderr: service.stderr() }).toEqual({ code: 0, stderr: '' });
    const answered = results.map(({ responses, leftover }) => [...responses.map((r) => r.body), leftover]);
    expect(answered).toEqual(sockets.map((_, i) => [i % 2 === 0 ? 'slow done' : 'part1;part2', 'fast', '']));
    expect(hookOrder(service.events)).toEqual(['scheduler', 'cache', 'postgres']);
  });
});
