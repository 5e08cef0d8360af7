import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareExports, expectedExports } from '../exports.ts';

const cli = join(import.meta.dirname, '../cli.ts');
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

const good = {
  '.': { types: './dist/index.d.ts', default: './dist/index.js' },
  './redis': { types: './dist/redis.d.ts', default: './dist/redis.js' },
  './package.json': './package.json',
};

describe('compareExports', () => {
  it('accepts an exports map that matches the entries', () => {
    expect(expectedExports(['redis', 'index'])).toEqual(good);
    expect(compareExports(good, ['index', 'redis'])).toEqual([]);
  });

  it('names a built entry with no export, and an export with no entry', () => {
    const { './redis': _redis, ...withoutRedis } = good;
    expect(compareExports(withoutRedis, ['index', 'redis'])).toEqual([
      'exports is missing "./redis" (built by a tsup entry)',
    ]);
    expect(compareExports(good, ['index'])).toEqual(['exports has "./redis" but no tsup entry builds it']);
  });

  it('checks file paths, condition order and ./package.json', () => {
    const wrong = {
      '.': { default: './dist/index.js', types: './dist/main.d.ts' },
      './package.json': './pkg.json',
    };
    expect(compareExports(wrong, ['index'])).toEqual([
      'exports["."]: "types" must come first',
      'exports["."].types is "./dist/main.d.ts", the build writes "./dist/index.d.ts"',
      'exports["./package.json"] should be "./package.json"',
    ]);
    expect(compareExports(undefined, ['index'])).toEqual(['package.json has no "exports" object']);
    expect(compareExports({ '.': './dist/index.js', './package.json': './package.json' }, ['index'])).toEqual([
      'exports["."] should be { types, default }',
    ]);
  });
});

describe('pnpm check:packages', () => {
  const run = (dir: string) =>
    spawnSync(process.execPath, [cli, '--exports-only', dir], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });

  it('fails when a package exports map and its tsup entries disagree', () => {
    const result = run(fixture('mismatch'));
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toContain('FAIL @fixture/mismatch');
    expect(result.stdout).toContain('exports is missing "./redis"');
    expect(result.stdout).toContain('exports has "./express" but no tsup entry builds it');
  });

  it('passes when they agree', () => {
    const result = run(fixture('match'));
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('ok   @fixture/match');
  });
});
