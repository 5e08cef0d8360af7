/** Every subpath of every package, imported (ESM) and `require()`d (CommonJS) on one Node. */
import type { NodeBinary } from './node-toolchain.ts';
import { run, tail } from './run.ts';

interface ProbeResult {
  specifier: string;
  ok: boolean;
  error?: string;
}

function probe(node: NodeBinary, consumer: string, script: string, specifiers: readonly string[]): ProbeResult[] {
  const result = run(node.path, [script, JSON.stringify(specifiers)], { cwd: consumer });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as ProbeResult[];
  } catch {
    return specifiers.map((specifier) => ({ specifier, ok: false, error: `the probe died:\n${tail(result)}` }));
  }
}

/** The failures of importing and requiring `specifiers` on `node`, as `specifier → problems`. */
export function checkImports(node: NodeBinary, consumer: string, specifiers: readonly string[]): Map<string, string[]> {
  const failures = new Map<string, string[]>();
  const add = (specifier: string, problem: string) =>
    failures.set(specifier, [...(failures.get(specifier) ?? []), problem]);
  for (const { specifier, ok, error } of probe(node, consumer, 'import.mjs', specifiers)) {
    if (!ok) add(specifier, `import('${specifier}') fails on Node ${node.version}: ${error}`);
  }
  for (const { specifier, ok, error } of probe(node, consumer, 'require.cjs', specifiers)) {
    if (!ok) add(specifier, `require('${specifier}') fails on Node ${node.version}: ${error}`);
  }
  return failures;
}
