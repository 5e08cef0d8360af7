/**
 * The README's "Passwords, two-factor and login" example runs as written (import pointed at the source) and prints
 * what its last comment says.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'auth-readme-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("runs the README's passwords and two-factor example and prints what it promises", async () => {
  const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Passwords, two-factor and login'));
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const promised = /console\.log\(.*\/\/ (.+)$/m.exec(example)?.[1];
  expect(promised).toBe('true true false true true 19');
  const source = example.replace(
    "'@infra/auth'",
    JSON.stringify(pathToFileURL(join(import.meta.dirname, '../src/index.ts')).href),
  );
  const file = join(dir, 'example.mts');
  writeFileSync(file, source);
  const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
  expect(stdout.trim()).toBe(promised);
});
