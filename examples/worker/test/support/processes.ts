/**
 * Starts the real worker (and the real API) as child processes, `node src/main.ts` on the packages' source
 * (the API's source-hooks.ts), with their output watched. Killed when the test finishes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '@infra/testkit';
import { afterAll, onTestFinished } from 'vitest';

const hooks = join(import.meta.dirname, '../../../api/test/support/source-hooks.ts');
export const workerMain = join(import.meta.dirname, '../../src/main.ts');
export const apiMain = join(import.meta.dirname, '../../../api/src/main.ts');

export interface NodeProcess {
  child: ChildProcess;
  output(): string;
  /** Parsed JSON log lines so far (other lines skipped). */
  lines(): Record<string, unknown>[];
  /** Resolves when `pattern` appears in the output; rejects when the process exits or `timeoutMs` passes first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
}

/** The environment without the shared services, so each test opts into Redis or Postgres. */
function baseEnv(): Record<string, string> {
  const { REDIS_URL: _r, DATABASE_URL: _d, SMTP_URL: _s, ...rest } = process.env;
  return Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Where a process is killed if still running: at the end of the test that started it, or of the file. */
export type Lifetime = 'test' | 'file';

export function spawnNode(main: string, env: Record<string, string>, lifetime: Lifetime = 'test'): NodeProcess {
  const child = spawn(process.execPath, ['--import', hooks, main], {
    env: { ...baseEnv(), NODE_ENV: 'test', HOST: '127.0.0.1', ...env },
    stdio: 'pipe',
  });
  (lifetime === 'test' ? onTestFinished : afterAll)(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  // Bounded, so a line that never comes fails the test (top-level awaits have no test timeout).
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${pattern} did not appear within ${timeoutMs} ms; output:\n${output}`));
      }, timeoutMs);
      const check = () => {
        if (!pattern.test(output)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      waiters.add(check);
      check();
      exited.then((code) => {
        if (!waiters.has(check)) return;
        waiters.delete(check);
        clearTimeout(timer);
        reject(new Error(`exited (${code}) before ${pattern} appeared; output:\n${output}`));
      });
    });
  const lines = () =>
    output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return {
    child,
    output: () => output,
    lines,
    waitFor,
    exited,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Started extends NodeProcess {
  /** The health (worker) or API URL from the start-up line. */
  url: string;
}

/** Starts the worker on a free WORKER_PORT; resolves once it runs its tasks. */
export async function startWorker(env: Record<string, string> = {}, lifetime: Lifetime = 'test'): Promise<Started> {
  const started = spawnNode(workerMain, { WORKER_PORT: String(await freePort()), ...env }, lifetime);
  await started.waitFor(/"msg":"worker running/);
  const line = started.lines().find((l) => String(l.msg).startsWith('worker running'));
  return { ...started, url: String(line?.url) };
}

/** Starts the API on a free PORT; resolves once it listens. */
export async function startApi(env: Record<string, string> = {}, lifetime: Lifetime = 'test'): Promise<Started> {
  const started = spawnNode(apiMain, { PORT: String(await freePort()), ...env }, lifetime);
  await started.waitFor(/"msg":"listening on/);
  const line = started.lines().find((l) => String(l.msg).startsWith('listening on'));
  return { ...started, url: String(line?.url) };
}
