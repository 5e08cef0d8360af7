/**
 * `node --import ./source-hooks.ts src/main.ts` runs the example on the packages' source rather than
 * their `dist`, the way the tests import them (tsconfig.json `paths`), so a child-process test sees the
 * packages as they are in the working tree without a build. Node's type stripping runs the `.ts` files.
 */
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '../../../..');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const exact = new Map<string, string>();
let wildcard: { prefix: string; target: string } | undefined;
for (const [pattern, [target = '']] of Object.entries(tsconfig.compilerOptions.paths)) {
  if (pattern.endsWith('*')) wildcard = { prefix: pattern.slice(0, -1), target };
  else exact.set(pattern, target);
}

function sourceOf(specifier: string): string | undefined {
  const target = exact.get(specifier);
  if (target !== undefined) return join(root, target);
  if (wildcard && specifier.startsWith(wildcard.prefix) && !specifier.slice(wildcard.prefix.length).includes('/')) {
    return join(root, wildcard.target.replace('*', specifier.slice(wildcard.prefix.length)));
  }
  return undefined;
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const file = specifier.startsWith('@infra/') ? sourceOf(specifier) : undefined;
    return file ? { url: pathToFileURL(file).href, shortCircuit: true } : nextResolve(specifier, context);
  },
});
