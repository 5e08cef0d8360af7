import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { localDriver } from '../src/local/index.ts';
import { conformance } from './conformance.ts';

const roots: string[] = [];

conformance('local', {
  async driver() {
    const root = await mkdtemp(join(tmpdir(), 'infra-storage-'));
    roots.push(root);
    return localDriver({ root });
  },
  async nothingPending() {
    // No temp file survives a refused write.
    for (const root of roots) {
      const temps = await readdir(join(root, '.infra-storage', 'tmp')).catch(() => []);
      expect(temps).toEqual([]);
    }
  },
  async cleanup() {
    await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
  },
});
