import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '../src/main.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the example as `pnpm start` does (node src/main.ts) on an ephemeral port. */
async function start(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: '0', ...env }, stdio: 'pipe' });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line; output:\n${output}`)), 10_000);
    child.stdout?.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${output}`)));
  });
  return { child, url, output: () => output };
}

describe('examples/api', () => {
  it('serves requests and exits 0 on SIGTERM', async () => {
    const { child, url, output } = await start();
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: '@infra/example-api', version: '0.0.0' });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toContain('SIGTERM: shutting down');
  });

  it('lets an in-flight keep-alive client finish before exiting', async () => {
    const { child, url } = await start();
    const res = await fetch(`${url}/hello?name=ada`, { headers: { connection: 'keep-alive' } });
    expect(await res.json()).toEqual({ message: 'hello, ada' });
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('refuses a bad PORT with a clear message', async () => {
    const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: 'abc' }, stdio: 'pipe' });
    children.push(child);
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(err).toContain('PORT must be a whole number');
  });
});
