/**
 * Issue 11: the real service under 2,000 requests at concurrency 200 over keep-alive connections,
 * SIGTERM once half of them are answered. What must hold, whatever the interleaving:
 * - the process exits 0 (no crash, every shutdown hook ran);
 * - every request the server accepted got a complete response (never a hang-up or a cut body);
 * - every other request ends as "connection refused": the listener was closed.
 * A connection reset before any byte of the response means the server never read the request: a kept-alive
 * socket it closed as idle, or a new connection still in the kernel's accept queue when the listener closed
 * (the kernel resets those). As HTTP clients do for idempotent requests (RFC 9112 §9.3.1), such a GET is
 * retried on a new connection, under a new request id; the server's own record of the ids it accepted
 * shows that no retried request had reached a handler.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startService } from './support/child.ts';

const total = 2000;
const concurrency = 200;
const paths = ['/', '/products/1', '/', '/hello?name=load', '/', '/health/ready', '/', '/products/9'];

type Outcome = { id: string; kind: 'complete'; status: number } | { id: string; kind: 'failed'; code: string };

const maxAttempts = 3;

function get(agent: Agent, port: number, path: string, id: string, attempt = 1): Promise<Outcome> {
  const attemptId = attempt === 1 ? id : `${id}.${attempt}`;
  return new Promise((resolve) => {
    let responded = false;
    const headers = { 'x-request-id': attemptId };
    const req = request({ agent, host: '127.0.0.1', port, path, headers }, (res) => {
      responded = true;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      res.on('end', () => {
        const length = res.headers['content-length'];
        const whole = res.complete && (length === undefined || Number(length) === received);
        resolve(
          whole
            ? { id: attemptId, kind: 'complete', status: res.statusCode ?? 0 }
            : { id: attemptId, kind: 'failed', code: 'CUT' },
        );
      });
      res.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ id: attemptId, kind: 'failed', code: error.code ?? 'CUT' }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (responded) return;
      if (error.code === 'ECONNRESET' && attempt < maxAttempts) {
        resolve(get(agent, port, path, id, attempt + 1));
        return;
      }
      resolve({ id: attemptId, kind: 'failed', code: error.code ?? error.message });
    });
    req.end();
  });
}

describe('examples/api under load, SIGTERM in the middle', () => {
  it('answers every accepted request completely, refuses the rest cleanly, and exits 0', async () => {
    const acceptedFile = join(tmpdir(), `example-api-accepted-${process.pid}-${Date.now()}.json`);
    const service = await startService(
      { RATE_LIMIT_PER_MINUTE: '1000000', SHUTDOWN_DRAIN_TIMEOUT: '30s', ACCEPTED_REQUESTS_FILE: acceptedFile },
      { imports: [join(import.meta.dirname, 'support/accepted-requests.ts')] },
    );
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const outcomes: Outcome[] = [];
    let next = 0;
    let answered = 0;
    let signalled = false;
    async function worker(): Promise<void> {
      while (next < total) {
        const n = next++;
        const outcome = await get(agent, service.port, paths[n % paths.length] ?? '/', `r${n}`);
        outcomes.push(outcome);
        if (outcome.kind === 'complete' && ++answered === total / 2 && !signalled) {
          signalled = true;
          service.child.kill('SIGTERM');
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    agent.destroy();
    const code = await service.exited;

    expect(signalled).toBe(true);
    expect(code, service.output()).toBe(0);
    expect(outcomes).toHaveLength(total);
    const accepted = new Set(JSON.parse(readFileSync(acceptedFile, 'utf8')) as string[]);
    const failed = outcomes.filter((o) => o.kind === 'failed');
    // Every failure is a refused connection, and none of them is a request the server had taken.
    expect(failed.filter((o) => o.kind === 'failed' && o.code !== 'ECONNREFUSED')).toEqual([]);
    expect(failed.filter((o) => accepted.has(o.id))).toEqual([]);
    // Every request the server took (retries included, under their own ids) was answered completely.
    const completed = new Set(outcomes.filter((o) => o.kind === 'complete').map((o) => o.id));
    expect([...accepted].filter((id) => !completed.has(id))).toEqual([]);
    expect(service.output()).toMatch(/shutdown complete/);
  });
});
