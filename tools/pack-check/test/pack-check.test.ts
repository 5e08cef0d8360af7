import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesFloor, type PackageInfo } from '../packages.ts';
import { type Breakage, writeFixturePackage } from './fixture-packages.ts';

const cli = join(import.meta.dirname, '../cli.ts');

function pkg(name: string, node: string | undefined): PackageInfo {
  return { dir: name, manifest: { name, version: '0.0.0', ...(node === undefined ? {} : { engines: { node } }) } };
}

describe('enginesFloor', () => {
  it('is the one ">=X.Y.Z" every package gives', () => {
    expect(enginesFloor([pkg('a', '>=22.12.0'), pkg('b', '>=22.12.0')])).toEqual({
      version: '22.12.0',
      problems: new Map(),
    });
  });

  it('fails every package when two floors disagree, naming both', () => {
    const { version, problems } = enginesFloor([pkg('a', '>=22.12.0'), pkg('b', '>=22.18.0')]);
    expect(version).toBeUndefined();
    expect(problems.get('b')).toEqual([
      'engines.node differs between packages: >=22.12.0 (a), >=22.18.0 (b); every package has one floor',
    ]);
    expect(problems.has('a')).toBe(true);
  });

  it('fails a package with no floor or a range it cannot run on', () => {
    const { problems } = enginesFloor([pkg('a', undefined), pkg('b', '^22 || ^24'), pkg('c', '>=22.12.0')]);
    expect([...problems.keys()]).toEqual(['a', 'b']);
  });
});

describe('pnpm check:pack on fixture packages', () => {
  const breakages: Breakage[] = [
    'no-license',
    'no-changelog',
    'double-map-comment',
    'top-level-await',
    'node-types',
    'bin-in-dist',
  ];
  let base: string;
  let output: string;
  let status: number | null;

  // One run over all fixtures: packing and installing is the slow part, and each fixture breaks one point.
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'pack-check-fixtures-'));
    const dirs = [writeFixturePackage(base, 'good'), ...breakages.map((b) => writeFixturePackage(base, b, b))];
    const result = spawnSync(process.execPath, [cli, ...dirs, '--node', 'current', '--skip-redis'], {
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    status = result.status;
    output = `${result.stdout}${result.stderr}`;
  }, 120_000);
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  /** The lines the check printed under `FAIL @fixture/<name>`. */
  const problemsOf = (name: string) => {
    const section = output.split(/^(?=ok {3}|FAIL )/m).find((s) => s.startsWith(`FAIL @fixture/${name}\n`));
    return section ?? `(no FAIL section for ${name} in:\n${output})`;
  };

  it('exits 1 and passes the package that breaks nothing', () => {
    expect(status, output).toBe(1);
    expect(output).toContain('ok   @fixture/good');
  });

  it('fails a package without the LICENSE', () => {
    expect(problemsOf('no-license')).toContain('the tarball has no LICENSE');
  });

  it('fails a package that does not pack its CHANGELOG.md', () => {
    expect(problemsOf('no-changelog')).toContain('the tarball has no CHANGELOG.md');
  });

  it('fails a file with two sourceMappingURL comments', () => {
    expect(problemsOf('double-map-comment')).toContain('dist/index.js has 2 sourceMappingURL comments');
  });

  it('fails a module that cannot be require()d (top-level await)', () => {
    expect(problemsOf('top-level-await')).toMatch(
      /require\('@fixture\/top-level-await'\) fails on Node [\d.]+: ERR_REQUIRE_ASYNC_MODULE/,
    );
  });

  it('fails public types that need @types/node', () => {
    expect(problemsOf('node-types')).toMatch(
      /tsc without @types\/node: @fixture\/node-types\/dist\/index\.d\.ts.*'node:http'/,
    );
  });

  it('fails a bin that exists only after the build', () => {
    expect(problemsOf('bin-in-dist')).toContain(
      'inside the build output: pnpm install cannot link it before the build',
    );
  });
});
