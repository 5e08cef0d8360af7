/**
 * Issue 11, defect 11: `scripts/start.sh` as a newcomer runs it (after the build: `--no-build`), from a
 * copy of the repo root holding a `.env`: the service reads that `.env`, says what it is bound to, and
 * Ctrl-C (SIGINT to the whole process group, as a terminal sends it) ends it with exit 0 and no pnpm error.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@infra/testkit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listening } from './support/child.ts';

const repo = join(import.meta.dirname, '../../..');
const hooks = join(import.meta.dirname, 'support/source-hooks.ts');

describe('scripts/start.sh', () => {
  it('reads the .env at the repo root, prints the address it is bound to, and exits 0 on Ctrl-C', async () => {
    const root = mkdtempSync(join(tmpdir(), 'example-api-root-'));
    mkdirSync(join(root, 'scripts'));
    for (const file of ['start.sh', 'toolchain.sh'])
      copyFileSync(join(repo, 'scripts', file), join(root, 'scripts', file));
    symlinkSync(join(repo, 'examples'), join(root, 'examples'));
    const port = await freePort();
    writeFileSync(join(root, '.env'), `PORT=${port}\nHOST=0.0.0.0\nNODE_ENV=test\n`);

    const { REDIS_URL: _r, DATABASE_URL: _d, PORT: _p, HOST: _h, NODE_ENV: _n, ...env } = process.env;
    const script = spawn('bash', [join(root, 'scripts/start.sh'), '--no-build'], {
      cwd: tmpdir(),
      // Runs on the packages' source, as the other tests do; a newcomer's run uses the build.
      env: { ...env, NODE_OPTIONS: `--import ${hooks}` },
      detached: true, // its own process group, like a terminal's foreground job
      stdio: 'pipe',
    });
    onTestFinished(() => {
      if (script.exitCode === null && script.signalCode === null) process.kill(-(script.pid ?? 0), 'SIGKILL');
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    script.stdout.on('data', collect);
    script.stderr.on('data', collect);
    const exited = once(script, 'exit');
    await new Promise<void>((resolve, reject) => {
      script.stdout.on('data', () => listening.test(output) && resolve());
      void exited.then(() => reject(new Error(`exited before listening:\n${output}`)));
    });

    expect(output).toContain(`"bound":"http://0.0.0.0:${port}"`);
    expect(output).toContain(`listening on http://0.0.0.0:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

    process.kill(-(script.pid ?? 0), 'SIGINT');
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(output).toMatch(/shutdown complete/);
    expect(output).not.toContain('ERR_PNPM');
  });
});
