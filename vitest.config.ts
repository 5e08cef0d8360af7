import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.ts';

const root = import.meta.dirname;

/**
 * Tests import `@infra/*` from source, not from dist, so `pnpm test` needs no build. The mapping
 * is tsconfig.json's `paths` (one source of truth for the type checker and the tests).
 */
function aliasesFromTsconfigPaths(): { find: RegExp; replacement: string }[] {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions?: { paths?: Record<string, string[]> };
  };
  const paths = tsconfig.compilerOptions?.paths ?? {};
  // Exact subpaths first: vite takes the first alias that matches.
  const entries = Object.entries(paths).sort(([a], [b]) => Number(a.includes('*')) - Number(b.includes('*')));
  return entries.map(([pattern, [target = '']]) => {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    return {
      find: new RegExp(`^${escaped.replace('*', '([^/]+)')}$`),
      replacement: join(root, target.replace('*', '$1')),
    };
  });
}

export default defineConfig({
  resolve: { alias: aliasesFromTsconfigPaths() },
  test: {
    projects,
    // Real services and child processes: one failure should not be hidden by a retry.
    retry: 0,
    pool: 'forks',
  },
});
