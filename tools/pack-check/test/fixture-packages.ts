/**
 * Packages written on the fly for the pack check's own tests: one that passes, and one per point the
 * check must catch, each breaking that point alone.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const repoLicense = join(import.meta.dirname, '../../../LICENSE');

/** How a fixture package departs from a good one. */
export type Breakage =
  | 'no-license'
  | 'no-changelog'
  | 'double-map-comment'
  | 'top-level-await'
  | 'node-types'
  | 'bin-in-dist';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes `@fixture/<name>` into `base/<name>`, built (its `dist` written by hand), and returns its dir. */
export function writeFixturePackage(base: string, name: string, breakage?: Breakage): string {
  const dir = join(base, name);
  const manifest: Record<string, unknown> = {
    name: `@fixture/${name}`,
    version: '0.0.0',
    license: 'MIT',
    type: 'module',
    engines: { node: '>=22.12.0' },
    files: breakage === 'no-changelog' ? ['dist', 'LICENSE'] : ['dist', 'CHANGELOG.md', 'LICENSE'],
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
  };
  let js = 'export const answer = 42;\n';
  let dts = 'export declare const answer: number;\n';
  if (breakage === 'double-map-comment') {
    js += '//# sourceMappingURL=index.js.map\n//# sourceMappingURL=index.js.map\n';
    write(join(dir, 'dist/index.js.map'), JSON.stringify({ version: 3, sources: ['../src/index.ts'], mappings: '' }));
  }
  if (breakage === 'top-level-await') js += 'await Promise.resolve();\n';
  if (breakage === 'node-types') {
    dts +=
      "import type { IncomingMessage } from 'node:http';\nexport declare function route(req: IncomingMessage): void;\n";
  }
  if (breakage === 'bin-in-dist') {
    manifest.bin = { [name]: './dist/cli.js' };
    write(join(dir, 'dist/cli.js'), '#!/usr/bin/env node\nconsole.log(42);\n');
  }
  write(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  write(join(dir, 'dist/index.js'), js);
  write(join(dir, 'dist/index.d.ts'), dts);
  write(join(dir, 'CHANGELOG.md'), `# @fixture/${name}\n`);
  if (breakage !== 'no-license') copyFileSync(repoLicense, join(dir, 'LICENSE'));
  return dir;
}
