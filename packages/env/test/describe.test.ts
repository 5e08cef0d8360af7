import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { describeEnv, json, list, parseEnv, port, redactPaths, Secret, secret, url } from '../src/index.ts';

describe('describeEnv', () => {
  it('lists keys, masked values, sources and defaults', () => {
    const env = parseEnv(
      {
        PORT: port().default(3000),
        DATABASE_URL: url(),
        TOKEN: secret(),
        TAGS: list(),
        OPTIONAL: z.string().optional(),
      },
      { DATABASE_URL: 'postgres://app:s3cret-pass@db/app', TOKEN: 'tok-123456789', TAGS: 'a,b' },
      { sourceName: 'process.env' },
    );
    expect(describeEnv(env)).toEqual([
      { key: 'PORT', value: '3000', source: 'default', defaulted: true, secret: false },
      {
        key: 'DATABASE_URL',
        value: 'postgres://***:***@db/app',
        source: 'process.env',
        defaulted: false,
        secret: false,
      },
      { key: 'TOKEN', value: '[redacted]', source: 'process.env', defaulted: false, secret: true },
      { key: 'TAGS', value: '["a","b"]', source: 'process.env', defaulted: false, secret: false },
      { key: 'OPTIONAL', value: '', source: 'unset', defaulted: false, secret: false },
    ]);
  });

  it('describes a plain object without sources', () => {
    expect(describeEnv({ A: new Secret('x'), B: 1 })).toEqual([
      { key: 'A', value: '[redacted]', source: 'unknown', defaulted: false, secret: true },
      { key: 'B', value: '1', source: 'unknown', defaulted: false, secret: false },
    ]);
  });
});

describe('redactPaths', () => {
  const env = parseEnv(
    {
      JWT_SECRET: secret(),
      DATABASE_URL: url(),
      PUBLIC_URL: url(),
      'weird-key': secret(),
      NESTED: json(z.object({ password: z.string().transform((value) => new Secret(value)), user: z.string() })),
    },
    {
      JWT_SECRET: 'x',
      DATABASE_URL: 'postgres://u:p@db/app',
      PUBLIC_URL: 'https://example.com',
      'weird-key': 'y',
      NESTED: '{"password":"p","user":"u"}',
    },
  );

  it("gives pino's redact paths for secrets and URLs carrying passwords", () => {
    expect(redactPaths(env)).toEqual(['JWT_SECRET', 'DATABASE_URL', '["weird-key"]', 'NESTED.password']);
  });

  it('prefixes them with where the config sits in the log object', () => {
    expect(redactPaths(env, { prefix: 'config' })).toEqual([
      'config.JWT_SECRET',
      'config.DATABASE_URL',
      'config["weird-key"]',
      'config.NESTED.password',
    ]);
  });
});
