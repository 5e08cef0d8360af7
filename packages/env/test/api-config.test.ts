import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The real config module of examples/api, not a copy: a change there is tested here as it ships.
import { configSchema, loadConfig } from '../../../examples/api/src/config.ts';
import { checkProduction, EnvError, generateExample } from '../src/index.ts';

function rejected(fn: () => unknown): EnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected an EnvError');
}

// examples/api's own tests run it in `test` mode on its defaults; what @infra/env promises about that module
// (defaults with nothing set, production strictness, readiness) is held here.
describe('the examples/api config module (examples/api/src/config.ts)', () => {
  const empty = mkdtempSync(join(tmpdir(), 'infra-env-api-'));

  it('runs on its embedded defaults with no services configured', () => {
    const config = loadConfig({}, empty);
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      RATE_LIMIT_PER_MINUTE: 60,
      CACHE_TTL: 60_000,
      SHUTDOWN_DRAIN_TIMEOUT: 10_000,
    });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('uses REDIS_URL and DATABASE_URL when set', () => {
    const config = loadConfig(
      { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' },
      empty,
    );
    expect([config.REDIS_URL, config.DATABASE_URL]).toEqual([
      'redis://127.0.0.1:6379',
      'postgres://postgres@127.0.0.1:5432/test',
    ]);
  });

  it('in production demands every variable marked requiredIn, listing all of them at once', () => {
    const error = rejected(() => loadConfig({ NODE_ENV: 'production' }, empty));
    expect(error.issues.map((issue) => [issue.key, issue.kind])).toEqual([
      ['REDIS_URL', 'missing'],
      ['SESSION_SECRET', 'missing'],
    ]);
  });

  it('a complete production config passes checkProduction', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        REDIS_URL: 'rediss://cache.example.com:6380',
        DATABASE_URL: 'postgres://app@db.example.com/app?sslmode=verify-full',
        SESSION_SECRET: 'q8Jf2LxV9mZt4RwA7cNe1KyH5sPd3GbU0oTi6XjQ',
      },
      empty,
    );
    expect(checkProduction(config)).toEqual({ score: 100, findings: [] });
  });

  it('its .env.example leaves the session secret blank', () => {
    expect(generateExample(configSchema)).toMatch(/\nSESSION_SECRET=\n/);
  });
});
