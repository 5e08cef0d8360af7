/**
 * The README's examples run as written: each TypeScript block is run by Node (type stripping), with
 * `@infra/http-status` pointed at the source and the server examples moved to a free port.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@infra/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from './support/raw.ts';

const packageDir = join(import.meta.dirname, '..');
// Inside the package's node_modules, so the examples resolve express, fastify and hono like a user's app would.
const workDir = join(packageDir, 'node_modules', '.readme-examples');
const blocks = [...readFileSync(join(packageDir, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
  (match) => match[1] ?? '',
);

function runnable(source: string, port?: number): string {
  let code = source.replace(/from '@infra\/http-status(\/\w+)?'/g, (_, subpath: string | undefined) => {
    const entry = subpath === undefined ? 'index.ts' : `${subpath.slice(1)}/index.ts`;
    return `from '${join(packageDir, 'src', entry)}'`;
  });
  if (port !== undefined) code = code.replace(/3000/g, String(port));
  return code;
}

// Node does not strip types under node_modules, so the example is stripped here and written as .mjs;
// the package sources it imports sit outside node_modules and are stripped by Node as usual.
function write(name: string, code: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `${name}.mjs`);
  writeFileSync(file, stripTypeScriptTypes(code));
  return file;
}

async function fetchWhenUp(url: string, child: ChildProcess): Promise<Response> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`example exited with ${child.exitCode}`);
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  }
});

describe('README examples', () => {
  it('the opening example runs and prints what its comments say', async () => {
    const first = blocks[0] ?? '';
    expect(first.trim().split('\n')).toHaveLength(10);
    const { stdout } = await promisify(execFile)(process.execPath, [write('opening', runnable(first))]);
    expect(stdout).toContain('413 Unprocessable Content undefined');
    expect(stdout).toContain("detail: 'Try again in 30 seconds'");
    expect(stdout).toContain("{ 'retry-after': '30' }");
    expect(stdout).toContain('500 application/problem+json');
    expect(stdout).not.toContain('hunter2');
  });

  const servers = blocks.filter((block) => /listen\(3000\)|port: 3000/.test(block));
  it('has one server example per adapter', () => {
    expect(servers.map((block) => /@infra\/http-status\/(\w+)/.exec(block)?.[1])).toEqual([
      'node',
      'express',
      'fastify',
      'hono',
    ]);
  });

  for (const [index, block] of servers.entries()) {
    const adapter = /@infra\/http-status\/(\w+)/.exec(block)?.[1] ?? String(index);
    it(`the ${adapter} example answers with problem+json`, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [write(adapter, runnable(block, port))], { stdio: 'ignore' });
      children.push(child);
      const response = await fetchWhenUp(`http://127.0.0.1:${port}/orders/7`, child);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const missing = await fetch(`http://127.0.0.1:${port}/no/such/route`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({
        title: 'Not Found',
        detail: 'No route matches GET /no/such/route.',
      });
      if (adapter === 'node') {
        const broken = await exchange(`http://127.0.0.1:${port}`, 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n');
        expect(broken.status).toBe(400);
        expect(broken.headers['content-type']).toBe('application/problem+json');
      }
    });
  }
});
