/**
 * The `infra-env` command as installed, on one Node: a TypeScript schema module loads (by itself from Node
 * 22.18, through `--experimental-strip-types` below), `.mts` loads in a CommonJS-typed project, and where
 * Node cannot load the file the command says why and what to do instead of printing Node's error.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NodeBinary } from './node-toolchain.ts';
import { run } from './run.ts';

interface CliCase {
  name: string;
  project: 'module' | 'commonjs';
  file: string;
  nodeOptions?: string;
  expect: { status: number; stdout?: RegExp; stderr?: RegExp[] };
}

const cases: CliCase[] = [
  {
    name: 'check ./env.ts in a "type": "module" project',
    project: 'module',
    file: 'env.ts',
    expect: { status: 0, stdout: /^PORT +8080 +process\.env$/m },
  },
  {
    name: 'check ./env.mts in a "type": "commonjs" project',
    project: 'commonjs',
    file: 'env.mts',
    expect: { status: 0, stdout: /^PORT +8080 +process\.env$/m },
  },
  {
    name: 'check ./env.ts in a "type": "commonjs" project names the fix',
    project: 'commonjs',
    file: 'env.ts',
    expect: { status: 2, stderr: [/"type": "commonjs"/, /Rename it to env\.mts/, /"type": "module"/] },
  },
  {
    name: 'check ./env.ts with type stripping turned off says what it needs',
    project: 'module',
    file: 'env.ts',
    nodeOptions: '--no-experimental-strip-types',
    expect: { status: 2, stderr: [/type stripping/, /22\.18/] },
  },
];

/** Writes the two projects (`cli-module`, `cli-commonjs`) the cases run in. */
function writeProjects(consumer: string): void {
  for (const type of ['module', 'commonjs'] as const) {
    const dir = join(consumer, `cli-${type}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `cli-${type}`, private: true, type })}\n`);
    copyFileSync(join(consumer, 'env-schema.ts'), join(dir, 'env.ts'));
    copyFileSync(join(consumer, 'env-schema.ts'), join(dir, 'env.mts'));
  }
}

/** Runs every case with the consumer's `infra-env` bin on `node`; returns the failures. */
export function checkEnvCli(node: NodeBinary, consumer: string): string[] {
  writeProjects(consumer);
  const bin = join(consumer, 'node_modules/.bin/infra-env');
  const path = `${dirname(node.path)}:${process.env.PATH ?? ''}`;
  const failures: string[] = [];
  const help = run(bin, ['--help'], { cwd: consumer, env: { PATH: path } });
  if (help.status !== 0) failures.push(`infra-env --help exits ${help.status} on Node ${node.version}: ${help.stderr}`);
  for (const c of cases) {
    const env: NodeJS.ProcessEnv = { PATH: path, PORT: '8080', NODE_OPTIONS: c.nodeOptions ?? '' };
    const result = run(bin, ['check', `./${c.file}`], { cwd: join(consumer, `cli-${c.project}`), env });
    const wrong: string[] = [];
    if (result.status !== c.expect.status) wrong.push(`exit ${result.status}, expected ${c.expect.status}`);
    if (c.expect.stdout && !c.expect.stdout.test(result.stdout)) wrong.push(`stdout does not match ${c.expect.stdout}`);
    for (const pattern of c.expect.stderr ?? []) {
      if (!pattern.test(result.stderr)) wrong.push(`stderr does not match ${pattern}`);
    }
    if (wrong.length > 0) {
      const output = `${result.stdout}${result.stderr}`.trim().replaceAll('\n', '\n      ');
      failures.push(`infra-env ${c.name}, Node ${node.version}: ${wrong.join('; ')}\n      ${output}`);
    }
  }
  return failures;
}
