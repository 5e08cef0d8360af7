import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

describe('under CI=true', () => {
  it('a Redis that does not answer fails the integration run within seconds, saying how to provide it', () => {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'tools/testkit:integration', 'services'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CI: 'true', REDIS_URL: 'redis://127.0.0.1:1', FORCE_COLOR: '0' },
      },
    );
    const seconds = (Date.now() - started) / 1000;
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).not.toBe(0);
    expect(output).toContain('REDIS_URL=redis://127.0.0.1:1 did not answer (ECONNREFUSED)');
    expect(output).toContain('Provide it one of these ways');
    expect(seconds).toBeLessThan(30);
  });
});
