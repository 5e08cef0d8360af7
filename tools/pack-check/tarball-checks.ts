/**
 * What a packed package must hold, read from the unpacked tarball (`<dir>/package`): the MIT licence
 * text of the repository, a CHANGELOG.md, bins that exist before the build, and source maps that
 * resolve (one `sourceMappingURL` per file, every source shipped or embedded).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { binEntries, type PackageManifest } from './packages.ts';

/** Where the build writes: a bin there does not exist when `pnpm install` links it in a fresh clone. */
const buildOutput = 'dist/';

function filesUnder(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, base));
    else out.push(relative(base, path).split(sep).join('/'));
  }
  return out;
}

/** Every problem of one unpacked package; empty when it holds what a user needs. */
export function checkTarball(options: {
  /** The unpacked tarball's root (its `package/` folder). */
  unpacked: string;
  /** The package's directory in the repository. */
  sourceDir: string;
  /** The repository's LICENSE text, which every package ships unchanged. */
  license: string;
}): string[] {
  const { unpacked, sourceDir, license } = options;
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as PackageManifest;
  const files = new Set(filesUnder(unpacked));
  const problems: string[] = [];

  if (manifest.license !== 'MIT')
    problems.push(`package.json "license" is ${JSON.stringify(manifest.license)}, not "MIT"`);
  if (!files.has('LICENSE')) {
    problems.push('the tarball has no LICENSE: copy the repository LICENSE into the package and list it in "files"');
  } else if (readFileSync(join(unpacked, 'LICENSE'), 'utf8').trim() !== license.trim()) {
    problems.push("the tarball's LICENSE differs from the repository's LICENSE");
  }
  if (!files.has('CHANGELOG.md')) problems.push('the tarball has no CHANGELOG.md: list it in "files"');

  for (const [name, target] of Object.entries(binEntries(manifest))) {
    const path = posix.normalize(target);
    if (path.startsWith(buildOutput)) {
      problems.push(
        `bin "${name}" is ${target}, inside the build output: pnpm install cannot link it before the build (commit a launcher that imports ${buildOutput})`,
      );
    }
    if (!files.has(path)) problems.push(`bin "${name}" (${target}) is not in the tarball`);
    else if (!readFileSync(join(unpacked, path), 'utf8').startsWith('#!/usr/bin/env node')) {
      problems.push(`bin "${name}" (${target}) does not start with #!/usr/bin/env node`);
    }
    if (!path.startsWith(buildOutput) && !existsSync(join(sourceDir, path))) {
      problems.push(`bin "${name}" (${target}) does not exist in ${sourceDir}`);
    }
  }

  for (const file of files) {
    if (/\.[cm]?js$/.test(file)) problems.push(...checkSourceMapComment(unpacked, file, files));
  }
  return problems;
}

const mapComment = /^\/\/# sourceMappingURL=(.+)$/gm;

function checkSourceMapComment(unpacked: string, file: string, files: ReadonlySet<string>): string[] {
  const urls = [...readFileSync(join(unpacked, file), 'utf8').matchAll(mapComment)].map((match) => match[1] ?? '');
  if (urls.length === 0) return [];
  if (urls.length > 1) return [`${file} has ${urls.length} sourceMappingURL comments (one at most)`];
  const url = urls[0] ?? '';
  if (url.startsWith('data:')) return [];
  const mapFile = posix.normalize(posix.join(posix.dirname(file), url));
  if (!files.has(mapFile)) return [`${file} points at ${url}, which is not in the tarball`];
  const map = JSON.parse(readFileSync(join(unpacked, mapFile), 'utf8')) as {
    sources?: string[];
    sourcesContent?: (string | null)[];
  };
  const missing = (map.sources ?? []).filter((source, index) => {
    const shipped = posix.normalize(posix.join(posix.dirname(mapFile), source));
    return !files.has(shipped) && typeof map.sourcesContent?.[index] !== 'string';
  });
  return missing.length === 0
    ? []
    : [`${mapFile} names sources that are neither shipped nor embedded: ${missing.slice(0, 3).join(', ')}`];
}

/** The size of the unpacked package in bytes, for the report. */
export function unpackedSize(unpacked: string): number {
  return filesUnder(unpacked).reduce((sum, file) => sum + statSync(join(unpacked, file)).size, 0);
}
