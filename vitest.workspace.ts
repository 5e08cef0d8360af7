/**
 * The test projects: two per workspace folder, `<name>:unit` (test/**\/*.test.ts, no services)
 * and `<name>:integration` (test/**\/*.integration.test.ts, real Redis/Postgres/SMTP/S3 found by
 * @infra/testkit). vitest.config.ts reads this list as `test.projects`; `pnpm test:unit` and
 * `pnpm test:integration` pick a half with `--project "*:unit"` / `--project "*:integration"`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const root = import.meta.dirname;
const groups = ['packages', 'examples', 'tools', 'bench', 'internal'];

function workspaceFolders(): { name: string; dir: string }[] {
  const folders: { name: string; dir: string }[] = [];
  for (const group of groups) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    const candidates = existsSync(join(base, 'test')) ? [base] : readdirSync(base).map((d) => join(base, d));
    for (const dir of candidates) {
      if (!existsSync(join(dir, 'test'))) continue;
      const name = dir === base ? group : `${group === 'packages' ? '' : `${group}/`}${dir.slice(base.length + 1)}`;
      folders.push({ name, dir });
    }
  }
  return folders;
}

const integrationSetup = join(root, 'tools/testkit/src/global-setup.ts');

export const projects: TestProjectInlineConfiguration[] = workspaceFolders().flatMap(({ name, dir }) => [
  {
    extends: true,
    test: {
      name: `${name}:unit`,
      root: dir,
      include: ['test/**/*.test.ts'],
      exclude: ['test/**/*.integration.test.ts', '**/node_modules/**'],
    },
  },
  {
    extends: true,
    test: {
      name: `${name}:integration`,
      root: dir,
      include: ['test/**/*.integration.test.ts'],
      globalSetup: [integrationSetup],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  },
]);

export default projects;
