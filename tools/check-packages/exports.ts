/**
 * The rule `pnpm check:packages` enforces between a package's build entries and its `exports` map:
 * entry `index` is `"."`, entry `name` is `"./name"`, each with `types` before `default`, pointing
 * at the files tsup writes. `"./package.json"` is the one extra subpath allowed (and required).
 */

export type ExportTarget = { types: string; default: string };
export type ExportsMap = Record<string, unknown>;

/** The exports map a set of tsup entries must produce. */
export function expectedExports(entryNames: readonly string[]): Record<string, ExportTarget | string> {
  const map: Record<string, ExportTarget | string> = {};
  for (const name of [...entryNames].sort()) {
    const subpath = name === 'index' ? '.' : `./${name}`;
    map[subpath] = { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` };
  }
  map['./package.json'] = './package.json';
  return map;
}

/** Every way `exports` disagrees with the entries; empty when they match. */
export function compareExports(exportsField: unknown, entryNames: readonly string[]): string[] {
  if (typeof exportsField !== 'object' || exportsField === null || Array.isArray(exportsField)) {
    return ['package.json has no "exports" object'];
  }
  const actual = exportsField as ExportsMap;
  const expected = expectedExports(entryNames);
  const problems: string[] = [];
  for (const [subpath, target] of Object.entries(expected)) {
    if (!(subpath in actual)) {
      problems.push(`exports is missing "${subpath}" (${describeSource(subpath)})`);
      continue;
    }
    const got = actual[subpath];
    if (typeof target === 'string') {
      if (got !== target) problems.push(`exports["${subpath}"] should be "${target}"`);
      continue;
    }
    if (typeof got !== 'object' || got === null) {
      problems.push(`exports["${subpath}"] should be { types, default }`);
      continue;
    }
    const keys = Object.keys(got);
    if (keys[0] !== 'types') problems.push(`exports["${subpath}"]: "types" must come first`);
    const record = got as Record<string, unknown>;
    for (const key of ['types', 'default'] as const) {
      if (record[key] !== target[key]) {
        problems.push(
          `exports["${subpath}"].${key} is ${JSON.stringify(record[key])}, the build writes "${target[key]}"`,
        );
      }
    }
  }
  for (const subpath of Object.keys(actual)) {
    if (!(subpath in expected)) problems.push(`exports has "${subpath}" but no tsup entry builds it`);
  }
  return problems;
}

function describeSource(subpath: string): string {
  return subpath === './package.json' ? 'always exported' : 'built by a tsup entry';
}
