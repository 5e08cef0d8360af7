import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProduction, EnvError } from '../src/index.ts';
import { loadConfig } from './fixtures/api-config.ts';

// The config module handed to examples/api: runs on defaults with nothing set, strict in production.
describe('the examples/api config module', () => {
  const empty = mkdtempSync(join(tmpdir(), 'infra-env-api-'));

  it('runs on its embedded defaults with no services configured', () => {
    const config = loadConfig({}, empty);
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3000, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT: 10_000 });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('uses REDIS_URL and DATABASE_URL when set', () => {
    const config = loadConfig(
      { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' },
      empty,
    );
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/test');
  });

  it('in production demands the services and a session secret, listing all of them', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', PORT: '80' }, empty);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).issues.map((issue) => issue.key)).toEqual([
      'REDIS_URL',
      'DATABASE_URL',
      'SESSION_SECRET',
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
});
