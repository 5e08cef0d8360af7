import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

/** Runs the testkit's own services test file under CI=true with `env` added; what it printed, and how. */
function runUnderCi(env: Record<string, string>) {
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'tools/testkit:integration', 'services'],
    { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true', FORCE_COLOR: '0', ...env } },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}`, seconds: (Date.now() - started) / 1000 };
}

describe('under CI=true', () => {
  it('a Redis that does not answer fails the integration run within seconds, saying how to provide it', () => {
    const { status, output, seconds } = runUnderCi({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(status, output).not.toBe(0);
    expect(output).toContain('REDIS_URL=redis://127.0.0.1:1 did not answer (ECONNREFUSED)');
    expect(output).toContain('Provide it one of these ways');
    expect(seconds).toBeLessThan(30);
  });

  it('a Redis Cluster that does not answer fails the run the same way, though no test of it asks for one', () => {
    const { status, output, seconds } = runUnderCi({ REDIS_CLUSTER_URLS: 'redis://127.0.0.1:1' });
    expect(status, output).not.toBe(0);
    expect(output).toContain('REDIS_CLUSTER_URLS=redis://127.0.0.1:1 did not answer (ECONNREFUSED)');
    expect(output).toContain('bash scripts/services.sh');
    expect(seconds).toBeLessThan(30);
  });
});
