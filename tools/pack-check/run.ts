/** Child processes of the pack check: output captured, never thrown on a non-zero exit. */
import { spawn, spawnSync } from 'node:child_process';

/** What a finished command printed and how it ended. */
export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Options of `run` and `runAsync`. */
export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

const baseEnv = (env: NodeJS.ProcessEnv | undefined) => ({ ...process.env, FORCE_COLOR: '0', ...env });

export function run(command: string, args: readonly string[], options: RunOptions): RunResult {
  const result = spawnSync(command, args, { cwd: options.cwd, env: baseEnv(options.env), encoding: 'utf8' });
  if (result.error) return { status: null, stdout: '', stderr: result.error.message };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `run`, without blocking, so independent commands (one pack per package) run side by side. */
export function runAsync(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: baseEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => resolve({ status: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The last lines of a command's output, for a failure message. */
export function tail(result: RunResult, lines = 15): string {
  return `${result.stdout}${result.stderr}`.trim().split('\n').slice(-lines).join('\n');
}
