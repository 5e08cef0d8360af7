#!/usr/bin/env node
/**
 * `infra-env`: the command-line face of @infra/env. The `infra-env` command is `bin/infra-env.js`,
 * which calls `runCli`. This module runs only when executed itself, and without top-level await, so
 * `require('@infra/env/cli')` works (a module with top-level await cannot be required).
 *
 *   infra-env example <module>[#export] [--out <file>]
 *   infra-env check <module>[#export] [--file <path>]... [--production] [--json]
 *
 * `<module>` is a file exporting the schema (`export const schema = { PORT: port() }`), by default
 * as `schema` or `default`, or another export named after `#`. The export may also be
 * `{ schema, options }` to pass `defineEnv` options (files, per-environment defaults).
 * Exit codes: 0 fine, 1 the environment has problems, 2 the command itself is wrong.
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defineEnv } from './define-env.ts';
import { describeEnv } from './describe.ts';
import { EnvError } from './errors.ts';
import { generateExample } from './example.ts';
import type { DefineEnvOptions } from './options.ts';
import { checkProduction } from './production.ts';
import type { EnvSchema } from './types.ts';

/** Where the CLI reads and writes; `runCli` uses the process's by default. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** @default process.cwd() */
  cwd?: string;
  /** @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

const usage = `Usage:
  infra-env example <module>[#export] [--out <file>]     print (or write) .env.example text
  infra-env check <module>[#export] [--file <path>]...   validate the environment, print the report
        [--production] [--json]                          --production also fails on production findings

<module> exports the schema as "schema" or default (or the export named after #),
either the schema itself or { schema, options }.`;

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs `infra-env` with `args` (without `node` and the script) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.stderr(`infra-env: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const { command, target, values } = parsed;
  if (values.help === true || command === undefined || command === 'help') {
    io.stdout(`${usage}\n`);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (command !== 'example' && command !== 'check') {
    io.stderr(`infra-env: unknown command ${JSON.stringify(command)}\n\n${usage}\n`);
    return 2;
  }
  if (target === undefined) {
    io.stderr(`infra-env ${command}: name the module that exports the schema\n\n${usage}\n`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  let definition: { schema: EnvSchema; options: DefineEnvOptions };
  try {
    definition = await loadDefinition(target, cwd);
  } catch (error) {
    io.stderr(`infra-env: ${(error as Error).message}\n`);
    return 2;
  }
  return command === 'example'
    ? example(definition, values.out, cwd, io)
    : check(
        definition,
        { files: values.file ?? [], production: values.production === true, json: values.json === true },
        cwd,
        io,
      );
}

function parse(args: readonly string[]) {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      file: { type: 'string', short: 'f', multiple: true },
      production: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length > 2) throw new Error(`unexpected argument ${JSON.stringify(positionals[2])}`);
  return { command: positionals[0], target: positionals[1], values };
}

function example(
  definition: { schema: EnvSchema; options: DefineEnvOptions },
  out: string | undefined,
  cwd: string,
  io: CliIo,
): number {
  const text = generateExample(
    definition.schema,
    definition.options.defaults === undefined ? {} : { defaults: definition.options.defaults },
  );
  if (out === undefined) io.stdout(text);
  else {
    writeFileSync(resolve(cwd, out), text);
    io.stdout(`wrote ${out}\n`);
  }
  return 0;
}

function check(
  definition: { schema: EnvSchema; options: DefineEnvOptions },
  flags: { files: string[]; production: boolean; json: boolean },
  cwd: string,
  io: CliIo,
): number {
  const options: DefineEnvOptions = { ...definition.options, cwd: definition.options.cwd ?? cwd };
  if (flags.files.length > 0) options.files = flags.files;
  if (io.env !== undefined) options.env = io.env;
  options.sourceName ??= 'process.env';
  let env: object;
  try {
    env = defineEnv(definition.schema, options);
  } catch (error) {
    if (!(error instanceof EnvError) || error.code === 'ERR_ENV_INVALID_OPTION') throw error;
    if (flags.json) io.stdout(`${JSON.stringify({ ok: false, code: error.code, issues: error.issues }, null, 2)}\n`);
    else io.stderr(`${error.message}\n`);
    return 1;
  }
  const rows = describeEnv(env);
  const report = flags.production ? checkProduction(env) : undefined;
  const failed = report?.findings.some((finding) => finding.severity === 'error') === true;
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({ ok: !failed, variables: rows, ...(report === undefined ? {} : { production: report }) }, null, 2)}\n`,
    );
    return failed ? 1 : 0;
  }
  io.stdout(
    `${table(rows.map((row) => [row.key, row.value, row.defaulted && row.source !== 'default' ? `${row.source} (default)` : row.source]))}\n`,
  );
  if (report !== undefined) {
    io.stdout(`\nproduction readiness: ${report.score}/100\n`);
    for (const finding of report.findings) io.stdout(`  ${finding.severity}: ${finding.key}: ${finding.message}\n`);
  }
  return failed ? 1 : 0;
}

function table(rows: string[][]): string {
  const all = [['variable', 'value', 'source'], ...rows].map((row) => row.map((cell) => cell.replaceAll('\n', '\\n')));
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length))) ?? [];
  return all
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function loadDefinition(target: string, cwd: string): Promise<{ schema: EnvSchema; options: DefineEnvOptions }> {
  const hash = target.lastIndexOf('#');
  const file = hash === -1 ? target : target.slice(0, hash);
  const exportName = hash === -1 ? undefined : target.slice(hash + 1);
  const module = await importSchemaModule(resolve(cwd, file), file);
  const name = exportName ?? ('schema' in module ? 'schema' : 'default');
  const value = module[name];
  if (typeof value !== 'object' || value === null) {
    throw new Error(`${file} has no export ${JSON.stringify(name)} holding a schema`);
  }
  const wrapped = value as { schema?: unknown; options?: unknown };
  if (typeof wrapped.schema === 'object' && wrapped.schema !== null && !('~standard' in wrapped.schema)) {
    return { schema: wrapped.schema as EnvSchema, options: (wrapped.options ?? {}) as DefineEnvOptions };
  }
  return { schema: value as EnvSchema, options: {} };
}

const typeScriptExtensions = new Set(['.ts', '.mts', '.cts']);

/** Imports the user's schema module; a failure Node reports cryptically is explained in terms of what to do. */
async function importSchemaModule(path: string, shown: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(explainLoadFailure(path, shown, error), { cause: error });
  }
}

function explainLoadFailure(path: string, shown: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const extension = extname(path);
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && typeScriptExtensions.has(extension)) {
    // `process.features.typescript` is false when stripping is off (before 22.18 by default, or turned off).
    const flagKnown = process.allowedNodeEnvironmentFlags.has('--experimental-strip-types');
    return flagKnown
      ? `cannot load ${shown}: Node ${process.version} runs TypeScript only with type stripping, which is off here ` +
          '(on by default from Node 22.18; on 22.12-22.17 the infra-env command turns it on by itself). ' +
          `Run \`node --experimental-strip-types\` or upgrade Node to >= 22.18, or point infra-env at JavaScript.`
      : `cannot load ${shown}: Node ${process.version} cannot run TypeScript; use Node >= 22.18 or point infra-env at JavaScript.`;
  }
  // Without a "type", Node detects ESM syntax by itself; only an explicit "commonjs" makes it fail this way.
  const packageJson = nearestPackageJson(dirname(path));
  if (
    error instanceof SyntaxError &&
    (extension === '.ts' || extension === '.js') &&
    packageJson?.type === 'commonjs'
  ) {
    const renamed = `${basename(path, extension)}${extension === '.ts' ? '.mts' : '.mjs'}`;
    return (
      `cannot load ${shown}: it uses import/export, but ${packageJson.path} says "type": "commonjs" ` +
      `(npm init's default), so Node reads it as CommonJS (${message}). ` +
      `Rename it to ${renamed}, or set "type": "module" in that package.json.`
    );
  }
  return `cannot load ${shown}: ${message}`;
}

function nearestPackageJson(from: string): { path: string; type: unknown } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        return { path, type: (JSON.parse(readFileSync(path, 'utf8')) as { type?: unknown }).type };
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = 2;
      process.stderr.write(`infra-env: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    },
  );
}
