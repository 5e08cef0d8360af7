/**
 * A throwaway `redis-server` of the test's own, on a free port, for tests that kill, freeze or
 * restart Redis without disturbing the shared one. Needs the `redis-server` binary (installed
 * with Redis; scripts/services.sh installs it). Stopped when the test that started it finishes, or,
 * started outside a test (a file or a describe block), after that file or block; and in any case when
 * the test process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { stopAfterwards } from './stop-afterwards.ts';
import { freePort, portAnswers } from './tcp.ts';

export interface RedisServerProcess {
  port: number;
  url: string;
  /** SIGKILL, as a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a frozen or partitioned server). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts a new, empty server on the same port (after kill()). */
  restart(): Promise<void>;
}

export async function redisServer(options: { startTimeoutMs?: number } = {}): Promise<RedisServerProcess> {
  const port = await freePort();
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = started;
    const spawnError = once(started, 'error').then(([error]) => error as Error);
    const deadline = Date.now() + startTimeoutMs;
    while (!(await portAnswers('127.0.0.1', port, 200))) {
      const failed = await Promise.race([spawnError, Promise.resolve(undefined)]);
      if (failed || started.exitCode !== null || Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`redis-server did not start on 127.0.0.1:${port}${failed ? `: ${failed.message}` : ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function kill(): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGCONT'); // a frozen process must run to die promptly
    running.kill('SIGKILL');
    await once(running, 'exit');
  }

  await start();
  stopAfterwards(kill);
  // A worker that dies or is torn down before its hooks run must not leave a server behind.
  const onExit = () => void child?.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async restart() {
      await kill();
      await start();
    },
  };
}
