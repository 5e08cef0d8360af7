import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
  bool,
  defineEnv,
  describeEnv,
  EnvError,
  type EnvIssue,
  json,
  parseEnv,
  port,
  requiredIn,
  secret,
  url,
} from '../src/index.ts';

function files(contents: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'infra-env-'));
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
  return dir;
}

function thrownBy(fn: () => unknown): EnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected an EnvError');
}

function validationError(fn: () => unknown): EnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvError && error.code === 'ERR_ENV_VALIDATION') return error;
    throw error;
  }
  throw new Error('expected ERR_ENV_VALIDATION');
}

describe('defineEnv sources and precedence', () => {
  const dir = files({
    '.env': 'PORT=3000\nHOST=from-env-file\nNAME=base\n',
    '.env.local': '# local overrides\nHOST=from-local\n\nNAME=local\n',
  });
  const schema = { PORT: port(), HOST: z.string(), NAME: z.string() };

  it('a later file beats an earlier one; the environment beats every file', () => {
    const env = defineEnv(schema, { cwd: dir, files: ['.env', '.env.local'], env: { NAME: 'from-environment' } });
    expect(env).toEqual({ PORT: 3000, HOST: 'from-local', NAME: 'from-environment' });
    expect(describeEnv(env).map((row) => [row.key, row.source])).toEqual([
      ['PORT', '.env:1'],
      ['HOST', '.env.local:2'],
      ['NAME', 'env'],
    ]);
  });

  it('reads process.env by default and calls it process.env', () => {
    vi.stubEnv('INFRA_ENV_TEST_PORT', '4321');
    const env = defineEnv({ INFRA_ENV_TEST_PORT: port() });
    expect(env.INFRA_ENV_TEST_PORT).toBe(4321);
    expect(describeEnv(env)[0]?.source).toBe('process.env');
  });

  it('names the file and line of an invalid value', () => {
    const bad = files({ '.env': 'A=1\n\nPORT=8080abc\n' });
    const error = validationError(() => defineEnv({ PORT: port() }, { cwd: bad, files: ['.env'], env: {} }));
    expect(error.issues).toEqual([
      {
        key: 'PORT',
        kind: 'invalid',
        message: 'expected a port number from 1 to 65535, got "8080abc"',
        source: '.env:3',
      },
    ]);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });
});

describe('defineEnv leaves its inputs alone', () => {
  it('process.env is deep-equal before and after, on success and on failure', () => {
    const dir = files({ '.env': 'FROM_FILE_ONLY=1\nPATH=/not/the/real/path\n' });
    const before = structuredClone({ ...process.env });
    defineEnv(
      { FROM_FILE_ONLY: z.string(), PATH: z.string(), MISSING: z.string().default('x') },
      { cwd: dir, files: ['.env'] },
    );
    expect({ ...process.env }).toEqual(before);
    expect(() => defineEnv({ MISSING_FOR_SURE_123: z.string() }, { cwd: dir, files: ['.env'] })).toThrow(EnvError);
    expect({ ...process.env }).toEqual(before);
    expect(process.env.FROM_FILE_ONLY).toBeUndefined();
  });

  it('does not modify the record given to parseEnv', () => {
    const record = { PORT: '80', EMPTY: '' };
    const copy = { ...record };
    parseEnv({ PORT: port(), EMPTY: z.string().default('d') }, record);
    expect(record).toEqual(copy);
  });

  it('never exits the process, even when everything is wrong', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('process.exit called');
    });
    try {
      expect(() => defineEnv({ A: port(), B: bool() }, { env: { A: 'x', B: 'y' } })).toThrow(EnvError);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
    }
  });
});

describe('the result', () => {
  it('is deeply frozen and typed', () => {
    const env = parseEnv(
      { PORT: port(), CONFIG: z.object({ a: z.array(z.number()) }).default({ a: [1] }) },
      { PORT: '80' },
    );
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.CONFIG)).toBe(true);
    expect(Object.isFrozen(env.CONFIG.a)).toBe(true);
    expect(() => {
      (env as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
  });
});

describe('one error listing every problem', () => {
  const schema = {
    DATABASE_URL: url(),
    REDIS_URL: url(),
    PORT: port(),
    DEBUG: bool(),
    OK: z.string(),
  };

  it('collects all missing and invalid variables, grouped in the message', () => {
    const error = validationError(() => parseEnv(schema, { PORT: '65536', DEBUG: 'maybe', OK: 'fine' }));
    expect(error.issues).toEqual<EnvIssue[]>([
      { key: 'DATABASE_URL', kind: 'missing', message: 'required', source: 'env' },
      { key: 'REDIS_URL', kind: 'missing', message: 'required', source: 'env' },
      { key: 'PORT', kind: 'invalid', message: 'expected a port number from 1 to 65535, got "65536"', source: 'env' },
      {
        key: 'DEBUG',
        kind: 'invalid',
        message: 'expected true/false, 1/0, yes/no or on/off, got "maybe"',
        source: 'env',
      },
    ]);
    expect(error.message).toBe(
      [
        'Invalid environment: 2 missing, 2 invalid',
        'Missing:',
        '  DATABASE_URL: required (looked in env)',
        '  REDIS_URL: required (looked in env)',
        'Invalid:',
        '  PORT: expected a port number from 1 to 65535, got "65536" (from env)',
        '  DEBUG: expected true/false, 1/0, yes/no or on/off, got "maybe" (from env)',
      ].join('\n'),
    );
  });

  it('says where a missing variable was looked for', () => {
    const dir = files({ '.env': 'A=1\n' });
    const error = validationError(() => defineEnv({ X: z.string() }, { cwd: dir, files: ['.env', '.env.local'] }));
    expect(error.issues[0]?.source).toBe('process.env, .env.local (not found), .env');
    expect(error.message).toContain('X: required (looked in process.env, .env.local (not found), .env)');
  });

  it('names the path inside a structured value', () => {
    const error = validationError(() => parseEnv({ CFG: json(z.object({ a: z.number() })) }, { CFG: '{"a":"x"}' }));
    expect(error.issues[0]).toEqual({
      key: 'CFG',
      kind: 'invalid',
      message: 'at a: Invalid input: expected number, received string',
      source: 'env',
    });
  });
});

describe('empty values', () => {
  it('count as missing by default, so defaults apply', () => {
    const env = parseEnv({ PORT: port().default(3000), NAME: z.string().default('n') }, { PORT: '', NAME: '   ' });
    expect(env).toEqual({ PORT: 3000, NAME: 'n' });
  });

  it('fall through to the next source', () => {
    const dir = files({ '.env': 'PORT=4000\n' });
    expect(defineEnv({ PORT: port() }, { cwd: dir, files: ['.env'], env: { PORT: '' } })).toEqual({ PORT: 4000 });
  });

  it('are values with emptyAsMissing: false', () => {
    expect(parseEnv({ NAME: z.string().default('n') }, { NAME: '' }, { emptyAsMissing: false })).toEqual({ NAME: '' });
    const error = validationError(() =>
      parseEnv({ PORT: port().default(1) }, { PORT: ' ' }, { emptyAsMissing: false }),
    );
    expect(error.issues[0]).toMatchObject({ key: 'PORT', kind: 'invalid' });
  });
});

describe('per-environment defaults and requiredIn', () => {
  const schema = {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    DATABASE_URL: url(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn']).default('info'),
  };
  const defaults = {
    development: { DATABASE_URL: 'postgres://localhost/dev', LOG_LEVEL: 'debug' },
    test: { DATABASE_URL: 'postgres://localhost/test' },
  } as const;

  it('picks the defaults of NODE_ENV, found in the sources', () => {
    expect(parseEnv(schema, { NODE_ENV: 'test' }, { defaults })).toEqual({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://localhost/test',
      LOG_LEVEL: 'info',
    });
    const dev = parseEnv(schema, {}, { defaults });
    expect(dev).toEqual({ NODE_ENV: 'development', DATABASE_URL: 'postgres://localhost/dev', LOG_LEVEL: 'debug' });
    expect(describeEnv(dev).find((row) => row.key === 'DATABASE_URL')).toMatchObject({
      source: 'defaults.development',
      defaulted: true,
    });
  });

  it('uses no development default in production', () => {
    const error = validationError(() => parseEnv(schema, { NODE_ENV: 'production' }, { defaults }));
    expect(error.issues).toEqual([{ key: 'DATABASE_URL', kind: 'missing', message: 'required', source: 'env' }]);
  });

  it('a set value beats the per-environment default', () => {
    expect(parseEnv(schema, { DATABASE_URL: 'postgres://db/app' }, { defaults }).DATABASE_URL).toBe(
      'postgres://db/app',
    );
  });

  it('the nodeEnv option overrides NODE_ENV', () => {
    expect(parseEnv(schema, { NODE_ENV: 'development' }, { defaults, nodeEnv: 'test' }).DATABASE_URL).toBe(
      'postgres://localhost/test',
    );
  });

  it('validates per-environment defaults like any value', () => {
    const error = validationError(() => parseEnv({ PORT: port() }, {}, { defaults: { development: { PORT: 70000 } } }));
    expect(error.issues[0]).toMatchObject({ key: 'PORT', kind: 'invalid', source: 'defaults.development' });
  });

  it('requiredIn ignores defaults in the named environments only', () => {
    const strict = { REDIS_URL: requiredIn('production', url().default('redis://localhost:6379')) };
    expect(parseEnv(strict, {})).toEqual({ REDIS_URL: 'redis://localhost:6379' });
    const error = validationError(() => parseEnv(strict, { NODE_ENV: 'production' }));
    expect(error.issues).toEqual([
      { key: 'REDIS_URL', kind: 'missing', message: 'required when NODE_ENV is production', source: 'env' },
    ]);
    expect(parseEnv(strict, { NODE_ENV: 'production', REDIS_URL: 'rediss://cache:6380' })).toEqual({
      REDIS_URL: 'rediss://cache:6380',
    });
  });
});

describe('options are checked up front', () => {
  it('rejects unknown options, bad types and defaults for unknown variables, naming them', () => {
    const schema = { PORT: port() };
    const cases: [unknown, string][] = [
      [
        { fies: [] },
        'Invalid option "fies": unknown option (known: emptyAsMissing, defaults, nodeEnv, sourceName, files, cwd, env)',
      ],
      [{ emptyAsMissing: 'yes' }, 'Invalid option "emptyAsMissing": expected a boolean, got "yes"'],
      [{ files: '.env' }, 'Invalid option "files": expected an array of paths or { path, required }, got ".env"'],
      [{ files: [''] }, 'Invalid option "files[0]": expected a path or { path, required }, got ""'],
      [
        { defaults: { development: { PROT: 1 } } },
        'Invalid option "defaults.development.PROT": names no variable of the schema',
      ],
      [{ nodeEnv: '' }, 'Invalid option "nodeEnv": expected a non-empty string, got ""'],
    ];
    for (const [options, message] of cases) {
      const error = thrownBy(() => defineEnv(schema, { env: {}, ...(options as object) }));
      expect([error.code, error.message]).toEqual(['ERR_ENV_INVALID_OPTION', message]);
    }
  });

  it('rejects a schema entry that is not a schema', () => {
    expect(thrownBy(() => parseEnv({ PORT: 3000 } as never, {})).message).toBe(
      'Invalid option "schema.PORT": expected a zod or Standard Schema schema',
    );
  });

  it('rejects a non-string value in the record', () => {
    expect(thrownBy(() => parseEnv({ A: z.string() }, { A: 1 as never })).message).toBe(
      'Invalid option "env.A": expected a string, got a number',
    );
  });
});

describe('standard schema validators other than zod', () => {
  it('accepts any object implementing ~standard', () => {
    const upper = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) =>
          typeof value === 'string' ? { value: value.toUpperCase() } : { issues: [{ message: 'expected text' }] },
        types: undefined as unknown as { input: string; output: string },
      },
    };
    expect(parseEnv({ A: upper }, { A: 'abc' })).toEqual({ A: 'ABC' });
    expect(validationError(() => parseEnv({ A: upper }, {})).issues[0]).toMatchObject({ key: 'A', kind: 'missing' });
  });

  it('secret() wraps any zod schema', () => {
    const env = parseEnv({ KEY: secret(z.string().length(4)) }, { KEY: 'abcd' });
    expect(env.KEY.reveal()).toBe('abcd');
  });
});

describe('the deprecated diagnostics channel infra:env:parse (until the next minor)', () => {
  it('reports each parse, with the issues on failure', () => {
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    subscribe('infra:env:parse', listener);
    try {
      parseEnv({ PORT: port() }, { PORT: '80' });
      expect(() => parseEnv({ PORT: port() }, { PORT: 'x' })).toThrow(EnvError);
    } finally {
      unsubscribe('infra:env:parse', listener);
    }
    expect(messages).toEqual([
      { ok: true, variables: 1, sources: ['env'] },
      {
        ok: false,
        variables: 1,
        sources: ['env'],
        issues: [
          { key: 'PORT', kind: 'invalid', message: 'expected a port number from 1 to 65535, got "x"', source: 'env' },
        ],
      },
    ]);
  });
});
