import type { Options } from 'tsup';

/**
 * Build entries of a package: `index` is the root export, every other name a subpath
 * (`redis` → `@infra/cache/redis`). `pnpm check:packages` holds each package's `exports` map to
 * exactly these names, so a new entry cannot ship without its export or the other way round.
 */
export type PackageEntries = Record<string, string>;

/**
 * The one build every `@infra/*` package uses: ESM only, Node 22, bundled `.d.ts` per entry, no source maps
 * (docs/DESIGN.md, "Source maps": `dist` is unminified and names its source files, so a stack trace reads as is).
 */
export function packageBuild(entry: PackageEntries, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm'],
    target: 'node22',
    platform: 'node',
    dts: true,
    sourcemap: false,
    clean: true,
    splitting: true,
    treeshake: true,
    ...overrides,
  };
}
