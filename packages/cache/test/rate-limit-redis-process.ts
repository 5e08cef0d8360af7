/**
 * A throwaway `redis-server` on a spare port, for tests that kill Redis or flush its script cache
 * without disturbing the shared one. `stop()` kills exactly the process this module started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { portAnswers } from '@infra/testkit';

/** A port nothing listens on: bound by the OS, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisProcess {
  port: number;
  url: string;
  /** SIGKILLs the server (no shutdown, as a crash) and waits for it to exit. */
  kill(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisProcess> {
  const port = await closedPort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await portAnswers('127.0.0.1', port, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      if (exited) return;
      const exit = once(child, 'exit');
      child.kill('SIGKILL');
      await exit;
    },
  };
}
