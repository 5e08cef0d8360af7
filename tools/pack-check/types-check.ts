/**
 * The public types as a consumer compiles them: `--module nodenext --strict`, `skipLibCheck: false` so the
 * packages' own `.d.ts` are checked, and WITHOUT `@types/node` (`types: []`, none installed in the consumer).
 * Web globals (`URL`, `AbortSignal`, `Request`, `Response`) come from lib `dom` (or @types/node), and
 * `[Symbol.asyncDispose]` from lib `esnext.disposable` (or @types/node): docs/DESIGN.md, "Public types".
 * A package that declares `@types/node` as a peer dependency is compiled with Node's types instead.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageInfo } from './packages.ts';
import { subpathSpecifiers } from './packages.ts';
import { run } from './run.ts';

/** The libs the check compiles with: what a consumer without @types/node needs. */
export const consumerLibs = ['es2023', 'esnext.disposable', 'dom'];

function needsNodeTypes(pkg: PackageInfo): boolean {
  return pkg.manifest.peerDependencies?.['@types/node'] !== undefined;
}

/** Compiles an import of every subpath; returns the errors per package name. */
export function checkTypes(options: {
  consumer: string;
  packages: readonly PackageInfo[];
  typescript: string;
  nodeTypesRoot: string;
}): Map<string, string[]> {
  const { consumer, packages, typescript, nodeTypesRoot } = options;
  const failures = new Map<string, string[]>();
  const add = (name: string, problem: string) => failures.set(name, [...(failures.get(name) ?? []), problem]);
  if (existsSync(join(consumer, 'node_modules/@types/node'))) {
    add(
      '(consumer)',
      '@types/node got installed into the consumer, so the types check cannot tell whether it is needed',
    );
  }
  const groups = [
    { name: 'no-node', packages: packages.filter((p) => !needsNodeTypes(p)), types: [] as string[] },
    { name: 'node', packages: packages.filter(needsNodeTypes), types: ['node'] },
  ];
  for (const group of groups) {
    if (group.packages.length === 0) continue;
    const dir = join(consumer, `types-${group.name}`);
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    const lineOwner: string[] = [];
    for (const pkg of group.packages) {
      for (const specifier of subpathSpecifiers(pkg.manifest)) {
        if (specifier.endsWith('/package.json')) continue;
        lines.push(`import type * as m${lines.length} from '${specifier}';`);
        lineOwner.push(pkg.manifest.name);
      }
    }
    lines.push(`export type All = [${lineOwner.map((_, i) => `typeof m${i}`).join(', ')}];`);
    writeFileSync(join(dir, 'consumer.ts'), `${lines.join('\n')}\n`);
    const compilerOptions = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2023',
      lib: consumerLibs,
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: group.types,
      ...(group.types.length > 0 ? { typeRoots: [nodeTypesRoot] } : {}),
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2));
    const result = run(process.execPath, [typescript, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir });
    if (result.status === 0) continue;
    for (const line of result.stdout.split('\n').filter((l) => l.includes('error TS'))) {
      const local = /^consumer\.ts\((\d+),/.exec(line);
      const owner = local
        ? lineOwner[Number(local[1]) - 1]
        : group.packages.find((p) => line.includes(`node_modules/${p.manifest.name}/`))?.manifest.name;
      const where = group.types.length === 0 ? 'without @types/node' : 'with @types/node';
      const error = line.replace(/^.*node_modules\//, '').replace(/ Do you need to install.*$/, '');
      add(owner ?? '(third-party types)', `tsc ${where}: ${error}`);
    }
  }
  return failures;
}
