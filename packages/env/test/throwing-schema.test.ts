// Issue 11, defect 3: a schema that throws (synchronously, or as zod's rejected promise) or is asynchronous is a
// validation issue of its variable. For a secret the issue never holds the value, and nothing is left unhandled.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { EnvError, type EnvSchema, json, list, parseEnv, secret } from '../src/index.ts';

function rejected(fn: () => unknown): EnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected an EnvError');
}

/** Every way an EnvError can end up printed. */
function printed(error: EnvError): string {
  return [error.message, JSON.stringify(error.issues), inspect(error, { depth: 10 }), String(error.stack)].join('\n');
}

/** The value as is, JSON-escaped, and as util.inspect quotes it. */
function forms(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), inspect(value).slice(1, -1)];
}

// Unhandled rejections of this test file, seen by a process-level listener (vitest's own is still there).
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});
/** Lets Node report any rejection left unhandled by the code just run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a secret whose transform throws (issue 11: JSON.parse of a key)', () => {
  const schema = { API_KEYS: secret(z.string().transform((text) => JSON.parse(text) as unknown)) };

  it('is an invalid-variable issue naming the kind of error, not ERR_ENV_INVALID_OPTION', async () => {
    const error = rejected(() => parseEnv(schema, { API_KEYS: 'sk_live_51HxYz0123456789' }));
    expect([error.code, error.issues]).toEqual([
      'ERR_ENV_VALIDATION',
      [
        {
          key: 'API_KEYS',
          kind: 'invalid',
          message: 'secret value rejected (value hidden): its schema threw a SyntaxError',
          source: 'env',
        },
      ],
    ]);
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('still parses when the value is valid', () => {
    expect(parseEnv(schema, { API_KEYS: '["a","b"]' }).API_KEYS.reveal()).toEqual(['a', 'b']);
  });
});

describe('a non-secret schema that throws or is asynchronous', () => {
  it('a throwing transform: the issue quotes what was thrown', () => {
    const error = rejected(() =>
      parseEnv({ REGIONS: z.string().transform((text) => JSON.parse(text) as unknown) }, { REGIONS: 'eu-west' }),
    );
    expect(error.issues[0]?.message).toMatch(/^its schema threw SyntaxError: Unexpected token .*is not valid JSON/);
  });

  it('an async refine: the issue says validation is synchronous', async () => {
    const error = rejected(() => parseEnv({ A: z.string().refine(async () => true) }, { A: 'x' }));
    expect(error.issues).toEqual([
      {
        key: 'A',
        kind: 'invalid',
        message: 'its schema is asynchronous; @infra/env validates synchronously',
        source: 'env',
      },
    ]);
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('a thrown message quoting a URL has its password masked', () => {
    const error = rejected(() =>
      parseEnv(
        {
          DB: z.string().transform((text): string => {
            throw new TypeError(`cannot connect to ${text}`);
          }),
        },
        { DB: 'postgres://app:hunter2-pw@db/app' },
      ),
    );
    expect(error.issues[0]?.message).toBe('its schema threw TypeError: cannot connect to postgres://***:***@db/app');
  });

  it('a Standard Schema validator that throws, or rejects, is an issue too', async () => {
    const standard = (validate: (value: unknown) => never) => ({
      '~standard': { version: 1 as const, vendor: 'test', validate },
    });
    const error = rejected(() =>
      parseEnv(
        {
          THROWS: standard(() => {
            throw new RangeError('out of range');
          }),
          REJECTS: standard(() => Promise.reject(new Error('no')) as never),
        },
        { THROWS: 'a', REJECTS: 'b' },
      ),
    );
    expect(error.issues.map((issue) => issue.message)).toEqual([
      'its schema threw RangeError: out of range',
      'its schema threw or is asynchronous; @infra/env validates synchronously',
    ]);
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('list() items whose schema throws are named by position', () => {
    const item = z.string().transform((text) => JSON.parse(text) as unknown);
    const error = rejected(() => parseEnv({ ITEMS: list({ of: item }) }, { ITEMS: '1,x' }));
    expect(error.issues[0]?.message).toMatch(/^item 2: its schema threw SyntaxError: /);
  });
});

// Long enough that a chance match inside an English message is impossible; any characters at all.
const secretValue = fc
  .oneof(
    fc.string({ minLength: 12, maxLength: 64, unit: 'grapheme' }),
    fc.string({ minLength: 12, maxLength: 64, unit: 'binary' }),
    fc.base64String({ minLength: 16, maxLength: 64 }),
    fc.stringMatching(/^sk_(live|test)_[A-Za-z0-9]{12,32}$/),
  )
  .filter((value) => value.trim().length >= 12);

/** Secrets whose schemas fail in every way there is, each failure quoting the input where it can. */
const failing: EnvSchema = {
  JSON_PARSE: secret(z.string().transform((text) => JSON.parse(text) as unknown)),
  THROWS_ERROR: secret(
    z.string().transform((text): string => {
      throw new Error(`invalid key ${text}`);
    }),
  ),
  THROWS_STRING: secret(
    z.string().transform((text): string => {
      throw text;
    }),
  ),
  THROWS_CUSTOM: secret(
    z.string().transform((text): string => {
      const error = new Error(text);
      error.name = text;
      throw error;
    }),
  ),
  ASYNC_REJECTS: secret(
    z.string().transform(async (text): Promise<string> => {
      throw new Error(`async ${text}`);
    }),
  ),
  ASYNC_REFINE: secret(z.string().refine(async (text) => text === 'never')),
  INNER_THROWS: secret(
    z.string().pipe(
      z.string().transform((text): string => {
        throw new SyntaxError(text);
      }),
    ),
  ),
};

describe('secrets never leak from a failing schema (property)', () => {
  it('not in message, issues, inspect(error) or stack; every variable reported; nothing unhandled', async () => {
    fc.assert(
      fc.property(secretValue, (value) => {
        const keys = Object.keys(failing);
        const error = rejected(() => parseEnv(failing, Object.fromEntries(keys.map((key) => [key, value]))));
        expect(error.issues.map((issue) => [issue.key, issue.kind])).toEqual(keys.map((key) => [key, 'invalid']));
        const text = printed(error);
        for (const form of forms(value)) expect(text.includes(form)).toBe(false);
      }),
      { numRuns: 200 },
    );
    await settle();
    expect(unhandled).toEqual([]);
  });
});

describe('in a child process, as an app runs it', () => {
  const fixture = join(import.meta.dirname, 'fixtures/throwing-secret.ts');
  const value = 'sk_live_51HxYzQwErTy0123456789';
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [fixture, ...args], {
      env: { API_KEYS: value, PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });

  it('a caught EnvError leaves nothing behind: exit 0, empty stderr', () => {
    const result = run();
    expect([result.status, result.stderr, result.stdout]).toEqual([
      0,
      '',
      'ERR_ENV_VALIDATION API_KEYS,ASYNC_KEY\ndone\n',
    ]);
  });

  it('an uncaught EnvError ends the process with code 1 and prints no secret', () => {
    const result = run('uncaught');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ERR_ENV_VALIDATION');
    expect(`${result.stdout}${result.stderr}`).not.toContain(value);
  });
});

describe('finding async functions before running a schema', () => {
  it('sees them inside objects, pipes and list items, and terminates on recursive schemas', () => {
    const tree = (): z.ZodType =>
      z.object({
        name: z.string(),
        get left() {
          return tree().optional();
        },
        get right() {
          return tree().optional();
        },
      });
    const error = rejected(() =>
      parseEnv(
        {
          NESTED: z.string().pipe(z.string().transform(async (text) => text)),
          ITEMS: list({ of: z.string().refine(async () => true) }),
          OBJECT: json(z.object({ region: z.string().transform(async (text) => text) })),
          // Every read of left or right builds a fresh subtree: a walk that followed them all would never end.
          TREE: json(tree()),
        },
        { NESTED: 'a', ITEMS: 'b', OBJECT: '{"region":"eu"}', TREE: '{"name":"root"}' },
      ),
    );
    expect(error.issues.map((issue) => [issue.key, issue.message])).toEqual([
      ['NESTED', 'its schema is asynchronous; @infra/env validates synchronously'],
      ['ITEMS', 'item 1: its schema is asynchronous; @infra/env validates synchronously'],
      ['OBJECT', 'its schema is asynchronous; @infra/env validates synchronously'],
    ]);
  });
});
