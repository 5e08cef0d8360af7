/**
 * The README opens with an example that must run as written: this runs it in a child process (import pointed at
 * the source, port 3000 swapped for an ephemeral one), probes it, and stops it with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { readHealthResponse } from './health-json-validator.ts';

const dir = mkdtempSync(join(tmpdir(), 'health-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the opening example of the README', async () => {
  const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  expect(example.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(10);
  expect(example).toContain('.listen(3000)');
  const source = example
    .replace("'@infra/health'", JSON.stringify(pathToFileURL(join(import.meta.dirname, '../src/index.ts')).href))
    .replace('.listen(3000)', '.listen(0)')
    .concat("server.on('listening', () => process.stdout.write(String(server.address().port) + '\\n'));\n");
  const file = join(dir, 'example.ts');
  writeFileSync(file, source);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    const base = `http://127.0.0.1:${chunk.toString().trim()}`;
    const ready = await readHealthResponse(await fetch(`${base}/health/ready?from=readme`));
    expect(ready.violations).toEqual([]);
    expect(ready.body).toMatchObject({
      status: 'pass',
      version: '1',
      checks: { 'event-loop:delay': [{ status: 'pass' }] },
    });
    const post = await fetch(`${base}/health/ready`, { method: 'POST' });
    expect([post.status, post.headers.get('content-type')]).toEqual([405, 'application/problem+json']);
    expect(example).not.toMatch(/\b\w+Ms\b/);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
