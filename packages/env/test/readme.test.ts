import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');

describe('README', () => {
  it('opens with a 10-line example that runs as written', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const code = example ?? '';
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
    // Same code, with the package name pointing at this checkout's source.
    const source = pathToFileURL(join(packageDir, 'src/index.ts')).href;
    const dir = mkdtempSync(join(tmpdir(), 'infra-env-readme-'));
    const file = join(dir, 'example.ts');
    writeFileSync(file, code.replace("'@infra/env'", JSON.stringify(source)));
    const result = spawnSync(process.execPath, [file], { cwd: dir, env: {}, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('3001 false undefined\n');
  });
});
