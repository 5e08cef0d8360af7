/**
 * Starts the real example service in a child process, as `pnpm start` does (`node src/main.ts`),
 * but on the packages' source (see source-hooks.ts), and watches its output and exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '@infra/testkit';
import { onTestFinished } from 'vitest';

export const mainFile = join(import.meta.dirname, '../../src/main.ts');
const hooks = join(import.meta.dirname, 'source-hooks.ts');

export interface ServiceProcess {
  child: ChildProcess;
  /** A URL that reaches it, from its "listening on" log line. */
  url: string;
  port: number;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves when `pattern` appears in the output. */
  waitFor(pattern: RegExp): Promise<void>;
  /** The exit code (or signal name) once it has exited. */
  exited: Promise<number | string>;
}

/**
 * Environment without the shared services (Redis, Postgres, SMTP and the S3_* that `.ci/run` exports), so a
 * test opts into each explicitly and the embedded defaults stay embedded.
 */
export function baseEnv(): Record<string, string> {
  const { REDIS_URL: _r, DATABASE_URL: _d, SMTP_URL: _s, ...rest } = process.env;
  return Object.fromEntries(
    Object.entries(rest).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('S3_')),
  );
}

export interface SpawnOptions {
  /** Working directory (where it looks for `.env`). @default the test's */
  cwd?: string;
  /** More modules to preload with `--import` (test instrumentation). @default [] */
  imports?: string[];
}

/** Spawns `node src/main.ts` with `env` (on top of {@link baseEnv}); killed when the test finishes. */
export function spawnService(env: Record<string, string> = {}, options: SpawnOptions = {}) {
  const imports = [hooks, ...(options.imports ?? [])].flatMap((file) => ['--import', file]);
  const child = spawn(process.execPath, [...imports, mainFile], {
    env: { ...baseEnv(), NODE_ENV: 'test', HOST: '127.0.0.1', ...env },
    stdio: 'pipe',
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  function waitFor(pattern: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output)) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
      exited.then((code) => {
        if (!waiters.has(check)) return;
        waiters.delete(check);
        reject(new Error(`exited (${code}) before ${pattern} appeared; output:\n${output}`));
      });
    });
  }
  return { child, output: () => output, waitFor, exited };
}

/** The service's "listening on" log line, with the URL that reaches it. */
export const listening = /"url":"(http:\/\/[^"]+)".*"msg":"listening on/;

/** Starts the service on a free port and resolves once it listens. */
export async function startService(
  env: Record<string, string> = {},
  options: SpawnOptions = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const started = spawnService({ PORT: String(port), ...env }, options);
  await started.waitFor(listening);
  const url = listening.exec(started.output())?.[1] ?? '';
  return { ...started, url, port };
}
