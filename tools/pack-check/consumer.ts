/**
 * The fresh project a new user would have: outside the workspace (a temp dir), the packed tarballs and
 * their peers installed from the registry (`--prefer-offline`: the pnpm store usually has them), and the
 * probe scripts next to them.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunResult, run, runAsync, tail } from './run.ts';

const probes = join(import.meta.dirname, 'probes');

/** Packs the package in `dir` into `destination` and returns the tarball's path. */
export async function pack(dir: string, destination: string): Promise<string> {
  mkdirSync(destination, { recursive: true });
  const result = await runAsync('pnpm', ['pack', '--pack-destination', destination], { cwd: dir });
  const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz'));
  if (result.status !== 0 || tarball === undefined) throw new Error(`pnpm pack failed in ${dir}:\n${tail(result)}`);
  return join(destination, tarball);
}

/** Unpacks a tarball into `destination`; the package is then `destination/package`. */
export function unpack(tarball: string, destination: string): string {
  mkdirSync(destination, { recursive: true });
  const result = run('tar', ['-xzf', tarball, '-C', destination], { cwd: destination });
  if (result.status !== 0) throw new Error(`could not unpack ${tarball}:\n${tail(result)}`);
  return join(destination, 'package');
}

/** pnpm flags for an install outside the workspace that a user would run. */
const installFlags = [
  '--prefer-offline',
  '--config.auto-install-peers=true',
  '--config.strict-peer-dependencies=false',
];

/** Creates the consumer project in `dir` and installs `specs` (tarball paths and registry specs) into it. */
export function createConsumer(dir: string, specs: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'infra-pack-check-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const probe of readdirSync(probes)) copyFileSync(join(probes, probe), join(dir, probe));
  install(dir, specs);
}

/** Adds `specs` to the consumer (replacing an installed version of the same package). */
export function install(dir: string, specs: readonly string[]): RunResult {
  const result = run('pnpm', ['add', ...installFlags, ...specs], { cwd: dir });
  if (result.status !== 0) throw new Error(`pnpm add ${specs.join(' ')} failed:\n${tail(result)}`);
  return result;
}

/**
 * `name@range` of every optional peer the packages declare, but `@types/node` (whose absence the types check is
 * about) and `@infra/*` (installed from their tarballs). One range per name: the first package's.
 */
export function optionalPeerSpecs(
  manifests: readonly {
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  }[],
): string[] {
  const specs = new Map<string, string>();
  for (const manifest of manifests) {
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
      if (name === '@types/node' || name.startsWith('@infra/') || specs.has(name)) continue;
      if (manifest.peerDependenciesMeta?.[name]?.optional !== true) continue;
      specs.set(name, `${name}@${range}`);
    }
  }
  return [...specs.values()];
}

/** Whether an import failure only says that one of the package's own optional peers is not installed. */
export function missingOptionalPeer(
  problem: string,
  manifest: { peerDependenciesMeta?: Record<string, { optional?: boolean }> },
): boolean {
  const match = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/']+)/.exec(problem);
  return match?.[1] !== undefined && manifest.peerDependenciesMeta?.[match[1]]?.optional === true;
}
