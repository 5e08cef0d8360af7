import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  assertProductionReady,
  checkProduction,
  EnvError,
  type ProductionFinding,
  parseEnv,
  secret,
  url,
} from '../src/index.ts';

const strong = randomBytes(32).toString('hex');
const schema = {
  NODE_ENV: z.string().default('development'),
  SESSION_SECRET: secret(),
  API_URL: url().optional(),
  DATABASE_URL: url().optional(),
  REDIS_URL: url().optional(),
};
const ready = {
  NODE_ENV: 'production',
  SESSION_SECRET: strong,
  DATABASE_URL: 'postgres://db.example.com/app?sslmode=verify-full',
};

function findingsFor(record: Record<string, string>): ProductionFinding[] {
  return checkProduction(parseEnv(schema, record)).findings;
}

describe('checkProduction', () => {
  it('a production-ready config scores 100 with no findings', () => {
    expect(checkProduction(parseEnv(schema, ready))).toEqual({ score: 100, findings: [] });
  });

  it('NODE_ENV must be production', () => {
    expect(findingsFor({ ...ready, NODE_ENV: 'staging' })).toEqual([
      { key: 'NODE_ENV', severity: 'error', message: 'NODE_ENV is "staging", not "production"' },
    ]);
    const { NODE_ENV: _, ...unset } = ready;
    expect(findingsFor(unset)).toContainEqual({ key: 'NODE_ENV', severity: 'error', message: 'NODE_ENV is not set' });
  });

  it('flags short, placeholder and low-entropy secrets without quoting them', () => {
    expect(findingsFor({ ...ready, SESSION_SECRET: 'changeme' })).toEqual([
      { key: 'SESSION_SECRET', severity: 'error', message: 'secret is a well-known placeholder or weak value' },
      { key: 'SESSION_SECRET', severity: 'error', message: 'secret is 8 bytes; use at least 32 random bytes' },
    ]);
    expect(findingsFor({ ...ready, SESSION_SECRET: 'Password123' }).map((f) => f.message)).toContain(
      'secret is a well-known placeholder or weak value',
    );
    expect(findingsFor({ ...ready, SESSION_SECRET: 'ab'.repeat(24) })).toEqual([
      {
        key: 'SESSION_SECRET',
        severity: 'warning',
        message: 'secret has low entropy (repetitive or predictable); generate it randomly',
      },
    ]);
    expect(findingsFor({ ...ready, SESSION_SECRET: `changeme-${strong}` })[0]?.message).toBe(
      'secret is a well-known placeholder or weak value',
    );
  });

  it('takes extra denylist entries and a different minimum size', () => {
    const env = parseEnv(schema, { ...ready, SESSION_SECRET: 'our-company-name' });
    const report = checkProduction(env, { denylist: ['Our Company Name'], minSecretBytes: 8 });
    expect(report.findings.map((f) => f.message)).toEqual(['secret is a well-known placeholder or weak value']);
    expect(() => checkProduction(env, { minSecretBytes: 0 })).toThrow(/minSecretBytes/);
  });

  it('flags a secret that came from a default', () => {
    const defaulted = { ...schema, SESSION_SECRET: secret(z.string().default(strong)) };
    const env = parseEnv(defaulted, { NODE_ENV: 'production' });
    expect(checkProduction(env).findings).toEqual([
      { key: 'SESSION_SECRET', severity: 'error', message: 'secret comes from a default value; set a real one' },
    ]);
  });

  it('flags localhost URLs, plain http to external hosts and PostgreSQL without TLS', () => {
    const findings = findingsFor({
      ...ready,
      API_URL: 'http://api.example.com/v1',
      DATABASE_URL: 'postgres://user:pw@db.example.com:5432/app',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(findings).toEqual([
      {
        key: 'API_URL',
        severity: 'warning',
        message: 'uses plain http:// for an external service (http://api.example.com); use https://',
      },
      {
        key: 'DATABASE_URL',
        severity: 'warning',
        message: 'connects to PostgreSQL at postgres://db.example.com:5432 without TLS; add ?sslmode=verify-full',
      },
      { key: 'REDIS_URL', severity: 'warning', message: 'points at redis://127.0.0.1:6379, a local address' },
    ]);
  });

  it('flags Redis without TLS on a public host only', () => {
    expect(findingsFor({ ...ready, REDIS_URL: 'redis://cache.example.com:6379' })).toEqual([
      {
        key: 'REDIS_URL',
        severity: 'warning',
        message: 'connects to Redis at redis://cache.example.com:6379 without TLS; use rediss://',
      },
    ]);
    expect(findingsFor({ ...ready, REDIS_URL: 'rediss://cache.example.com:6380' })).toEqual([]);
    expect(findingsFor({ ...ready, REDIS_URL: 'redis://redis:6379' })).toEqual([]);
  });

  it('accepts plain http inside a private network', () => {
    for (const host of ['10.0.0.5', '192.168.1.2', '172.20.0.3', 'backend', 'api.internal', 'svc.cluster.local']) {
      expect(findingsFor({ ...ready, API_URL: `http://${host}:8080` })).toEqual([]);
    }
  });

  it('flags development defaults in use', () => {
    const env = parseEnv(
      { NODE_ENV: z.string(), SESSION_SECRET: secret(), API_URL: url() },
      { NODE_ENV: 'staging', SESSION_SECRET: strong },
      { defaults: { staging: { API_URL: 'https://api.example.com' } } },
    );
    expect(checkProduction(env).findings).toContainEqual({
      key: 'API_URL',
      severity: 'warning',
      message: 'uses the staging default; set it for production',
    });
  });

  it('scores 25 per error, 10 per warning, never below 0', () => {
    const one = checkProduction(parseEnv(schema, { ...ready, NODE_ENV: 'dev', REDIS_URL: 'redis://localhost' }));
    expect(one.score).toBe(100 - 25 - 10);
    const worst = checkProduction(
      parseEnv(schema, {
        SESSION_SECRET: 'changeme',
        API_URL: 'http://localhost',
        REDIS_URL: 'http://a.com',
        DATABASE_URL: 'postgres://x.io/db',
      }),
    );
    expect(worst.score).toBe(0);
  });

  it('works on plain objects holding Secrets too', () => {
    expect(checkProduction({ NODE_ENV: 'production', KEY: { reveal: () => 'x' } }).findings).toEqual([]);
    expect(checkProduction({ NODE_ENV: 'production', URL: 'http://localhost' }).findings).toHaveLength(1);
  });
});

describe('assertProductionReady', () => {
  it('returns the report when nothing fails', () => {
    expect(assertProductionReady(parseEnv(schema, ready))).toEqual({ score: 100, findings: [] });
  });

  it('throws ERR_ENV_NOT_PRODUCTION_READY with the findings, on errors by default', () => {
    const env = parseEnv(schema, { ...ready, NODE_ENV: 'development', SESSION_SECRET: 'changeme' });
    let error: unknown;
    try {
      assertProductionReady(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).code).toBe('ERR_ENV_NOT_PRODUCTION_READY');
    expect((error as EnvError).findings).toEqual(checkProduction(env).findings);
    expect((error as EnvError).message).toMatch(/^Not production ready \(score 25\/100\):\n {2}error: NODE_ENV/);
    expect((error as EnvError).message).not.toContain('changeme');
  });

  it('fails on warnings only with failOn: warning', () => {
    const env = parseEnv(schema, { ...ready, REDIS_URL: 'redis://localhost' });
    expect(assertProductionReady(env).score).toBe(90);
    expect(() => assertProductionReady(env, { failOn: 'warning' })).toThrow(/points at redis:\/\/localhost/);
    expect(() => assertProductionReady(env, { failOn: 'info' as never })).toThrow(
      `Invalid option "failOn": expected one of 'error', 'warning', got "info"`,
    );
  });
});
