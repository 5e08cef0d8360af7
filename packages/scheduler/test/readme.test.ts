/**
 * The README opens with an example that must run as written: this runs it with Node in a child process (the
 * import pointed at the source, `buildReport` defined) and checks it prints what its last comment says.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'scheduler-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the opening example of the README and prints what it promises', async () => {
  const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  expect(example.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(10);
  const promised = /console\.log\(.*\/\/ (.+)$/m.exec(example)?.[1];
  expect(promised).toBeDefined();
  const source = `${example.replace(
    "'@infra/scheduler'",
    JSON.stringify(pathToFileURL(join(import.meta.dirname, '../src/index.ts')).href),
  )}\nasync function buildReport(_slot: Date, _signal: AbortSignal) {}\n`;
  const file = join(dir, 'example.ts');
  writeFileSync(file, source);
  const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 15_000 });
  expect(stdout.trim()).toBe(promised);
});
