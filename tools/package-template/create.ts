/**
 * pnpm new-package <name> "<description>" — lays out packages/<name> from ./files: the package
 * template every @infra/* package follows (tsup ESM build with .d.ts, exports map with
 * types/default per subpath, sideEffects: false, README, CHANGELOG, errors.ts, a first test).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const [name, description = ''] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: pnpm new-package <kebab-case-name> "<one-line description>"');
  process.exit(2);
}

const pascal = name.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());
const replacements: Record<string, string> = {
  __NAME__: name,
  __DESCRIPTION__: description,
  __ERROR_CLASS__: `${pascal}Error`,
  __CODE_PREFIX__: name.toUpperCase().replaceAll('-', '_'),
};

const templateDir = join(import.meta.dirname, 'files');
const target = resolve(import.meta.dirname, '../../packages', name);
if (existsSync(target)) {
  console.error(`${relative(process.cwd(), target)} already exists`);
  process.exit(1);
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

for (const file of walk(templateDir)) {
  let text = readFileSync(file, 'utf8');
  for (const [token, value] of Object.entries(replacements)) text = text.replaceAll(token, value);
  const out = join(target, relative(templateDir, file).replace(/\.tmpl$/, ''));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
}
// Every tarball ships the licence; pack-check holds each copy to the root one.
copyFileSync(join(import.meta.dirname, '../../LICENSE'), join(target, 'LICENSE'));
console.log(
  `created packages/${name}. Next: pnpm install. vitest.workspace.ts finds its tests by itself; a subpath export also needs its tsup entry and a tsconfig.json "paths" line.`,
);
