#!/usr/bin/env node
// The `infra-env` command. Committed rather than built, so the bin exists when `pnpm install` links it
// (before `dist` is built); the CLI itself is `runCli` from `dist/cli.js`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);

// Node runs a TypeScript schema module by itself from 22.18; on 22.12-22.17 only behind a flag, which this
// turns on, unless the user turned type stripping off on purpose.
const stripTypesFlag = '--experimental-strip-types';
const userOptions = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const needsFlag =
  args.some((arg) => /\.[cm]?ts(#[^/\\]*)?$/.test(arg)) &&
  !process.features.typescript &&
  process.allowedNodeEnvironmentFlags.has(stripTypesFlag) &&
  !userOptions.includes('--no-experimental-strip-types');

if (needsFlag) {
  const flags = [...process.execArgv, stripTypesFlag, '--disable-warning=ExperimentalWarning'];
  const child = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
} else {
  const cliUrl = new URL('../dist/cli.js', import.meta.url);
  if (!existsSync(cliUrl)) {
    process.stderr.write('infra-env: dist/cli.js is missing: build @infra/env first (pnpm build)\n');
    process.exit(2);
  }
  const { runCli } = await import(cliUrl.href);
  process.exitCode = await runCli(args);
}
