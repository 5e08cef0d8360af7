import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';

const fixture = join(import.meta.dirname, 'fixtures/app-env.ts');

async function run(
  args: string[],
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), 'infra-env-cli-')),
) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd,
    env,
  });
  return { code, stdout, stderr, cwd };
}

describe('infra-env check', () => {
  it('prints the masked report and exits 0 when the environment is valid', async () => {
    const secretValue = 'a-session-secret-of-some-length';
    const result = await run(['check', fixture], {
      DATABASE_URL: 'postgres://app:pw@db/app',
      SESSION_SECRET: secretValue,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PORT +3000 +default$/m);
    expect(result.stdout).toMatch(/^DATABASE_URL +postgres:\/\/\*\*\*:\*\*\*@db\/app +process\.env$/m);
    expect(result.stdout).toContain('SESSION_SECRET  [redacted]');
    expect(result.stdout).not.toContain(secretValue);
  });

  it('prints every problem and exits 1 when it is not', async () => {
    const result = await run(['check', fixture], { PORT: '8080abc', SESSION_SECRET: 'Qz9-tiny' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid environment: 1 missing, 2 invalid');
    expect(result.stderr).toContain('PORT: expected a port number from 1 to 65535, got "8080abc"');
    expect(result.stderr).not.toContain('Qz9-tiny');
  });

  it('reads --file files and { schema, options } exports', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'infra-env-cli-'));
    writeFileSync(join(cwd, '.env'), 'SESSION_SECRET=0123456789abcdef0123\n');
    const result = await run(['check', `${fixture}#withOptions`, '--file', '.env', '--json'], {}, cwd);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; variables: { key: string; source: string }[] };
    expect(report.ok).toBe(true);
    expect(report.variables.find((row) => row.key === 'DATABASE_URL')?.source).toBe('defaults.development');
    expect(report.variables.find((row) => row.key === 'SESSION_SECRET')?.source).toBe('.env:1');
  });

  it('--production adds the readiness report and fails on its errors', async () => {
    const result = await run(['check', fixture, '--production'], {
      DATABASE_URL: 'postgres://db.example.com/app',
      SESSION_SECRET: 'changeme-changeme',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('production readiness: ');
    expect(result.stdout).toContain('error: NODE_ENV: NODE_ENV is not set');
    expect(result.stdout).toContain('error: SESSION_SECRET: secret is a well-known placeholder or weak value');
  });
});

describe('infra-env example', () => {
  it('prints .env.example text, or writes it with --out', async () => {
    const printed = await run(['example', fixture]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('# HTTP port\n# port, 1-65535; default: 3000\nPORT=3000\n');
    const written = await run(['example', fixture, '--out', '.env.example']);
    expect(readFileSync(join(written.cwd, '.env.example'), 'utf8')).toBe(printed.stdout);
  });
});

describe('usage errors exit 2', () => {
  it('on an unknown command, a missing module, a bad export or an unknown flag', async () => {
    expect((await run(['deploy'])).code).toBe(2);
    expect((await run(['check'])).stderr).toContain('name the module that exports the schema');
    expect((await run(['check', `${fixture}#nothing`])).stderr).toContain('has no export "nothing"');
    expect((await run(['check', fixture, '--frobnicate'])).code).toBe(2);
    expect((await run(['--help'])).code).toBe(0);
  });
});

describe('the infra-env executable', () => {
  const cli = join(import.meta.dirname, '../src/cli.ts');
  const exec = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [cli, ...args], {
      env,
      encoding: 'utf8',
      cwd: mkdtempSync(join(tmpdir(), 'infra-env-bin-')),
    });

  it('runs when executed and sets the exit code: 0 valid, 1 invalid, 2 usage', () => {
    const ok = exec(['check', fixture], { DATABASE_URL: 'postgres://db/app', SESSION_SECRET: 'x'.repeat(16) });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const bad = exec(['check', fixture], { PORT: '0x10' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('PORT: expected a port number from 1 to 65535, got "0x10" (from process.env)');
    expect(exec(['nope'], {}).status).toBe(2);
  });
});
