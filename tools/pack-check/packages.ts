/**
 * The packages the pack check covers: every directory under `packages/` with a package.json that is not
 * private, so a new package is checked from its first commit without anyone adding it to a list.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package.json fields the pack check reads. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  files?: string[];
  engines?: { node?: string };
  bin?: string | Record<string, string>;
  exports?: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** A package directory with its manifest. */
export interface PackageInfo {
  dir: string;
  manifest: PackageManifest;
}

export function readManifest(dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
}

/** Every published (non-private) package directly under `base`. */
export function publishedPackages(base: string): PackageInfo[] {
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'package.json')))
    .map((entry) => ({ dir: join(base, entry.name), manifest: readManifest(join(base, entry.name)) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** The subpaths of an `exports` map a user can import (`.` → the package name itself). */
export function subpathSpecifiers(manifest: PackageManifest): string[] {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
}

/** `bin` as a name → path record, whichever form package.json uses. */
export function binEntries(manifest: PackageManifest): Record<string, string> {
  if (manifest.bin === undefined) return {};
  if (typeof manifest.bin === 'string') return { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin };
  return manifest.bin;
}

/**
 * The one Node floor of all packages: every `engines.node` must be the same `>=X.Y.Z`, since the check
 * runs everything on that one lowest version. Returns the version, or the problems.
 */
export function enginesFloor(packages: readonly PackageInfo[]): { version?: string; problems: Map<string, string[]> } {
  const problems = new Map<string, string[]>();
  const ranges = new Map<string, string[]>();
  for (const { manifest } of packages) {
    const range = manifest.engines?.node;
    if (range === undefined || !/^>=\d+\.\d+\.\d+$/.test(range)) {
      problems.set(manifest.name, [
        `engines.node is ${JSON.stringify(range)}: give the lowest Node it runs on as ">=X.Y.Z"`,
      ]);
      continue;
    }
    ranges.set(range, [...(ranges.get(range) ?? []), manifest.name]);
  }
  if (ranges.size > 1) {
    const summary = [...ranges].map(([range, names]) => `${range} (${names.join(', ')})`).join(', ');
    for (const names of ranges.values()) {
      for (const name of names) {
        problems.set(name, [`engines.node differs between packages: ${summary}; every package has one floor`]);
      }
    }
    return { problems };
  }
  const [range] = ranges.keys();
  return range === undefined ? { problems } : { version: range.slice(2), problems };
}
