import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '@infra/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '../src/main.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the example as `pnpm start` does (node src/main.ts) on a free port. */
async function start(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // No REDIS_URL / DATABASE_URL: the example must run on its in-process defaults.
  const { REDIS_URL: _r, DATABASE_URL: _d, ...base } = process.env;
  const child = spawn(process.execPath, [main], {
    env: { ...base, PORT: String(await freePort()) /* PORT must be 1–65535: no 0 */, HOST: '127.0.0.1', ...env },
    stdio: 'pipe',
  });
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
    expect(await res.json()).toEqual({
      name: '@infra/example-api',
      version: '0.0.0',
      backends: { cache: 'memory', rateLimit: 'memory', database: 'none' },
    });
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output()).toMatch(/shutting down.*SIGTERM/);
  });

  it('closes an idle keep-alive connection and still exits 0', async () => {
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
    expect(err).toContain('PORT');
    expect(err).toMatch(/Invalid/i);
  });
});
