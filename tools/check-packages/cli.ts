/**
 * pnpm check:packages [dir...] — for every published package (or the dirs given):
 *   1. its `exports` map matches its tsup entries (tools/check-packages/exports.ts);
 *   2. `publint --strict` passes;
 *   3. `attw --pack --profile esm-only` passes (ESM only: no CJS entry is expected).
 * Needs the packages built (`pnpm build`). Exits 1 naming each failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareExports } from './exports.ts';

const root = resolve(import.meta.dirname, '../..');

function publishedPackageDirs(): string[] {
  const base = join(root, 'packages');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'package.json')))
    .map((d) => join(base, d.name))
    .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private);
}

async function entryNames(dir: string): Promise<string[]> {
  const configPath = join(dir, 'tsup.config.ts');
  if (!existsSync(configPath)) throw new Error(`${configPath} does not exist`);
  const config = (await import(pathToFileURL(configPath).href)).default as { entry?: unknown };
  const entry = config.entry;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new Error(`${configPath}: entry must be an object of { name: file } (see tsup.preset.ts)`);
  }
  return Object.keys(entry);
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

async function checkPackage(dir: string, tools: { exports: boolean; publint: boolean; attw: boolean }) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; exports?: unknown };
  const failures: string[] = [];
  if (tools.exports) {
    for (const problem of compareExports(pkg.exports, await entryNames(dir))) failures.push(`exports: ${problem}`);
  }
  if (tools.publint) {
    const r = run('pnpm', ['exec', 'publint', 'run', '--strict', dir], root);
    if (!r.ok) failures.push(`publint --strict:\n${r.output}`);
  }
  if (tools.attw) {
    const r = run('pnpm', ['exec', 'attw', '--pack', dir, '--profile', 'esm-only', '--format', 'ascii'], root);
    if (!r.ok) failures.push(`attw --pack:\n${r.output}`);
  }
  return { name: pkg.name, failures };
}

const args = process.argv.slice(2);
const onlyExports = args.includes('--exports-only');
const dirs = args.filter((a) => !a.startsWith('--')).map((a) => resolve(a));
const targets = dirs.length > 0 ? dirs : publishedPackageDirs();
let failed = 0;
for (const dir of targets) {
  const { name, failures } = await checkPackage(dir, { exports: true, publint: !onlyExports, attw: !onlyExports });
  if (failures.length === 0) {
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const f of failures) console.log(`  - ${f.replaceAll('\n', '\n    ')}`);
  }
}
console.log(`check:packages: ${targets.length - failed} of ${targets.length} package(s) pass`);
process.exitCode = failed > 0 ? 1 : 0;
