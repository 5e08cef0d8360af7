/**
 * Node binaries to run the installed packages on. The lowest Node the engines field claims is installed
 * the way `scripts/toolchain.sh` installs Node 24: the npm `node` package, which ships a real binary, into
 * `~/.cache/infra-toolchain` (INFRA_TOOLCHAIN_DIR), once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A Node binary and its version. */
export interface NodeBinary {
  version: string;
  path: string;
}

const toolchainDir = process.env.INFRA_TOOLCHAIN_DIR ?? join(homedir(), '.cache/infra-toolchain');

function versionOf(path: string): string | undefined {
  const result = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The Node `spec` names (an exact version such as `22.12.0`, or a major such as `24`), installing it if needed. */
export function ensureNode(spec: string): NodeBinary {
  if (process.versions.node === spec || process.versions.node.split('.')[0] === spec) {
    return { version: process.versions.node, path: process.execPath };
  }
  const dir = join(toolchainDir, `node-${spec}`);
  const path = join(dir, 'node_modules/node/bin/node');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const install = spawnSync(
      'npm',
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--prefer-offline', `node@${spec}`],
      { encoding: 'utf8' },
    );
    if (install.status !== 0) throw new Error(`could not install node@${spec}: ${install.stderr}`);
  }
  const version = versionOf(path);
  if (version === undefined) throw new Error(`${path} does not run`);
  return { version, path };
}
