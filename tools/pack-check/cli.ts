/**
 * pnpm check:pack [package dir...] [--node <version|major|current>]... [--skip-redis] [--keep]
 *
 * Every published package as a user gets it: packed, installed from its tarball into a fresh project
 * outside the workspace, then on the lowest Node its engines field claims and on Node 24:
 *   - the tarball holds the repository's MIT LICENSE, a CHANGELOG.md, bins that exist before the build,
 *     and no dangling or doubled source-map comments (tarball-checks.ts);
 *   - every engines.node is one and the same floor (packages.ts);
 *   - every subpath imports in ESM and require()s in CommonJS (import-checks.ts);
 *   - the `infra-env` command loads TypeScript schema modules, or says what it needs (env-cli-cases.ts);
 *   - the public types compile in a consumer without @types/node (types-check.ts);
 *   - @infra/cache/redis works with ioredis 5 and 6 against the real Redis (redis-smoke.ts).
 * Needs the packages built (`pnpm build`). Prints what failed per package and exits 1 on any failure.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsumer, install, missingOptionalPeer, optionalPeerSpecs, pack, unpack } from './consumer.ts';
import { checkEnvCli } from './env-cli-cases.ts';
import { checkImports } from './import-checks.ts';
import { ensureNode, type NodeBinary } from './node-toolchain.ts';
import { enginesFloor, type PackageInfo, publishedPackages, readManifest, subpathSpecifiers } from './packages.ts';
import { checkRedisSmoke, ioredisVersions } from './redis-smoke.ts';
import { checkTarball, unpackedSize } from './tarball-checks.ts';
import { checkTypes } from './types-check.ts';

const root = resolve(import.meta.dirname, '../..');
const started = performance.now();
const log = (text: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${text}`);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    node: { type: 'string', multiple: true },
    'skip-redis': { type: 'boolean' },
    keep: { type: 'boolean' },
  },
});

const packages: PackageInfo[] =
  positionals.length > 0
    ? positionals.map((dir) => ({ dir: resolve(dir), manifest: readManifest(resolve(dir)) }))
    : publishedPackages(join(root, 'packages'));
const failures = new Map<string, string[]>();
const fail = (name: string, problems: readonly string[]) => {
  if (problems.length > 0) failures.set(name, [...(failures.get(name) ?? []), ...problems]);
};

const floor = enginesFloor(packages);
for (const [name, problems] of floor.problems) fail(name, problems);

const built = packages.filter(({ dir, manifest }) => {
  if (existsSync(join(dir, 'dist'))) return true;
  fail(manifest.name, [`${dir}/dist does not exist: run pnpm build first`]);
  return false;
});

const work = mkdtempSync(join(tmpdir(), 'infra-pack-check-'));
try {
  log(`packing ${built.length} package(s) into ${work}`);
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  const tarballs = await Promise.all(built.map(({ dir }, i) => pack(dir, join(work, 'tarballs', String(i)))));
  built.forEach(({ dir, manifest }, i) => {
    const unpacked = unpack(tarballs[i] ?? '', join(work, 'unpacked', String(i)));
    fail(manifest.name, checkTarball({ unpacked, sourceDir: dir, license }));
    log(`${manifest.name}: ${(unpackedSize(unpacked) / 1024).toFixed(0)} KiB unpacked`);
  });

  const hasCache = built.some(({ manifest }) => manifest.name === '@infra/cache');
  const runRedis = hasCache && values['skip-redis'] !== true;
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  createConsumer(consumer, [...tarballs, ...(hasCache ? [ioredisVersions[0] ?? 'ioredis'] : [])]);
  log('installed the tarballs into a fresh project');

  const nodeSpecs = values.node ?? [floor.version, '24'].filter((v): v is string => v !== undefined);
  const nodes: NodeBinary[] = [...new Set(nodeSpecs)].map((spec) =>
    spec === 'current' ? { version: process.versions.node, path: process.execPath } : ensureNode(spec),
  );
  const specifiers = built.flatMap(({ manifest }) => subpathSpecifiers(manifest).map((s) => ({ s, manifest })));
  // A driver subpath may need its own optional peer (`@infra/storage/s3` imports `@aws-sdk/client-s3`), as its
  // user has it; the root export and every other subpath must import without. Such a subpath is checked again
  // below, once the optional peers are installed.
  const needsItsPeer = new Set<string>();
  for (const node of nodes) {
    const importFailures = checkImports(
      node,
      consumer,
      specifiers.map(({ s }) => s),
    );
    for (const { s, manifest } of specifiers) {
      const problems = importFailures.get(s) ?? [];
      if (s !== manifest.name && problems.length > 0 && problems.every((p) => missingOptionalPeer(p, manifest))) {
        needsItsPeer.add(s);
      } else {
        fail(manifest.name, problems);
      }
    }
    const env = built.find(({ manifest }) => manifest.bin !== undefined && manifest.name === '@infra/env');
    if (env) fail(env.manifest.name, checkEnvCli(node, consumer));
    log(`Node ${node.version}: imports, require()${env ? ', infra-env cases' : ''} done`);
  }

  // The imports above ran without optional peers, as a user of another subpath has them. A user of the subpath
  // that needs one (`@infra/storage/s3` and `@aws-sdk/client-s3`) has it installed, and its types with it.
  const optionalPeers = optionalPeerSpecs(built.map(({ manifest }) => manifest));
  if (optionalPeers.length > 0) {
    install(consumer, optionalPeers);
    log(`installed the optional peers: ${optionalPeers.join(', ')}`);
  }
  if (needsItsPeer.size > 0) {
    for (const node of nodes) {
      const importFailures = checkImports(node, consumer, [...needsItsPeer]);
      for (const { s, manifest } of specifiers)
        if (needsItsPeer.has(s)) fail(manifest.name, importFailures.get(s) ?? []);
    }
    log(`with their optional peers: ${[...needsItsPeer].join(', ')} import and require()`);
  }
  const typeFailures = checkTypes({
    consumer,
    packages: built,
    typescript: join(root, 'node_modules/typescript/bin/tsc'),
    nodeTypesRoot: join(root, 'node_modules/@types'),
  });
  for (const [name, problems] of typeFailures) fail(name, problems);
  log('types compiled without @types/node');

  if (runRedis) {
    const smoke = checkRedisSmoke(consumer, nodes);
    fail('@infra/cache', smoke.failures);
    log(`redis smoke: ${smoke.ran.join(', ')}`);
  }
} finally {
  if (values.keep === true) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const names = [...new Set([...packages.map(({ manifest }) => manifest.name), ...failures.keys()])];
for (const name of names) {
  const problems = failures.get(name) ?? [];
  if (problems.length === 0) console.log(`ok   ${name}`);
  else {
    console.log(`FAIL ${name}`);
    for (const problem of problems) console.log(`  - ${problem.replaceAll('\n', '\n    ')}`);
  }
}
const failed = names.filter((name) => failures.has(name)).length;
console.log(
  `check:pack: ${names.length - failed} of ${names.length} pass (${((performance.now() - started) / 1000).toFixed(0)}s)`,
);
process.exitCode = failed > 0 ? 1 : 0;
