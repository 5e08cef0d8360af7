// Each concept of the kernel is defined once: no package writes its own error base, clock, logger type, duration
// parser or channel naming. This reads every package's source, so a copy that creeps back fails here by name.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const packageSources = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => {
    try {
      return sources(join(root, 'packages', entry.name, 'src'));
    } catch {
      return [];
    }
  })
  .map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

/** Files whose text matches `pattern`, with the first matching line. */
function offenders(pattern: RegExp): string[] {
  return packageSources.flatMap(({ path, text }) => {
    const line = text.split('\n').find((l) => pattern.test(l));
    return line === undefined ? [] : [`${path}: ${line.trim()}`];
  });
}

describe('the kernel is the one definition', () => {
  it('reads some package sources (the scan is not vacuous)', () => {
    expect(packageSources.length).toBeGreaterThan(50);
  });

  it('no package extends Error itself: every error class extends InfraError', () => {
    // The two exceptions, marked through the kernel's markInfraError, where an extra constructor level measurably
    // slowed a benchmarked path (docs/DESIGN.md, "The kernel").
    const exceptions = [
      'packages/env/src/errors.ts: export class EnvError extends Error {',
      'packages/http-status/src/http-error.ts: export class HttpError extends Error {',
    ];
    expect(offenders(/\bextends\s+(Error|TypeError|RangeError)\b/)).toEqual(exceptions);
  });

  it('no package defines a clock', () => {
    expect(offenders(/^\s*(export\s+)?(interface\s+Clock\b|type\s+Clock\s*[=<])|\bsystemClock\s*[:=]/)).toEqual([]);
  });

  it('no package defines a logger shape', () => {
    expect(offenders(/^\s*(export\s+)?(interface|type)\s+\w*Logger(Like)?\b\s*[={]/)).toEqual([]);
  });

  it('no package parses durations outside the kernel checks', () => {
    expect(offenders(/\bparseDurationMs\b/)).toEqual([]);
  });

  it('no package names diagnostics channels by hand', () => {
    expect(offenders(/\bchannel\(\s*['"`]infra:/)).toEqual([]);
  });

  it('no package words an invalid option its own way', () => {
    expect(offenders(/`Invalid option "|`option \$\{|must be a valid option/)).toEqual([]);
  });
});
