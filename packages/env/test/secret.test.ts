import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  checkProduction,
  describeEnv,
  EnvError,
  int,
  json,
  parseEnv,
  port,
  redactPaths,
  Secret,
  secret,
  url,
} from '../src/index.ts';

// Long enough that a chance match inside an English message is impossible; any characters at all.
const secretValue = fc
  .oneof(
    fc.string({ minLength: 12, maxLength: 64, unit: 'grapheme' }),
    fc.string({ minLength: 12, maxLength: 64, unit: 'binary' }),
    fc.base64String({ minLength: 16, maxLength: 64 }),
    fc.stringMatching(/^[a-z]{4}:\/\/[a-z]{3,8}:[a-z0-9]{6,12}@[a-z]{3,8}\/[a-z]{1,6}$/),
  )
  .filter((value) => value.trim().length >= 12);

/** Every form a leak could take: as is, JSON-escaped, and as util.inspect would quote it. */
function forms(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), inspect(value).slice(1, -1)];
}

function expectAbsent(haystack: string, value: string): void {
  for (const form of forms(value)) expect(haystack.includes(form)).toBe(false);
}

function thrown(fn: () => unknown): EnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected an EnvError');
}

describe('Secret', () => {
  const value = new Secret('hunter2-hunter2');

  it('prints [redacted] every way and reveals on request', () => {
    expect(String(value)).toBe('[redacted]');
    expect(`${value}`).toBe('[redacted]');
    expect(`${'x'}${value}`).toBe('x[redacted]');
    expect(JSON.stringify({ value })).toBe('{"value":"[redacted]"}');
    expect(inspect(value)).toBe('[redacted]');
    expect(inspect({ deep: { value } }, { depth: Number.POSITIVE_INFINITY })).toBe('{ deep: { value: [redacted] } }');
    expect(inspect(value, { customInspect: false, showHidden: true })).not.toContain('hunter2');
    expect(Object.keys(value)).toEqual([]);
    expect(value.reveal()).toBe('hunter2-hunter2');
  });

  it('keeps structured values too', () => {
    const structured = new Secret({ user: 'u', password: 'p' });
    expect(structured.reveal()).toEqual({ user: 'u', password: 'p' });
    expect(JSON.stringify(structured)).toBe('"[redacted]"');
  });
});

describe('secrets never leak (property)', () => {
  const schema = {
    API_KEY: secret(),
    DB_PASSWORD: secret(z.string().min(8)),
    OPTIONAL_TOKEN: secret().optional(),
    PORT: port(),
    DATABASE_URL: url(),
  };

  it('not in JSON.stringify(env), util.inspect(env), describeEnv(env), checkProduction(env)', () => {
    fc.assert(
      fc.property(secretValue, secretValue, (apiKey, password) => {
        const env = parseEnv(schema, {
          API_KEY: apiKey,
          DB_PASSWORD: password,
          OPTIONAL_TOKEN: apiKey,
          PORT: '8080',
          DATABASE_URL: 'postgres://db/app',
        });
        expect(env.API_KEY.reveal()).toBe(apiKey);
        const outputs = [
          JSON.stringify(env),
          inspect(env, { depth: Number.POSITIVE_INFINITY }),
          inspect(env, { depth: Number.POSITIVE_INFINITY, showHidden: true, customInspect: false }),
          JSON.stringify(describeEnv(env)),
          inspect(describeEnv(env), { depth: Number.POSITIVE_INFINITY }),
          JSON.stringify(checkProduction(env)),
          JSON.stringify(redactPaths(env)),
          String(env.API_KEY),
        ].join('\n');
        expectAbsent(outputs, apiKey);
        expectAbsent(outputs, password);
      }),
      { numRuns: 300 },
    );
  });

  it('not in EnvError.message, issues or inspect(error) when the secret is invalid', () => {
    // Each schema rejects the random value, and several would quote it if left to themselves.
    const rejecting = {
      TOO_LONG: secret(z.string().max(4)),
      NOT_INT: secret(int()),
      NOT_URL: secret(url({ protocols: ['https'] })),
      NOT_JSON: secret(json(z.object({ a: z.number() }))),
      REGEX: secret(z.string().regex(/^\d{3}$/)),
      ENUM: secret(z.enum(['a', 'b'])),
      REFINED: secret(z.string().refine((v) => v === 'x', { error: (issue) => `bad value ${String(issue.input)}` })),
      DEFAULTED: secret(z.string().max(4)).default(new Secret('abcd')),
      MISSING: secret(),
    };
    fc.assert(
      fc.property(secretValue, (value) => {
        const record = Object.fromEntries(
          Object.keys(rejecting)
            .filter((key) => key !== 'MISSING')
            .map((key) => [key, value]),
        );
        const error = thrown(() => parseEnv(rejecting, record));
        expect(error.issues.filter((issue) => issue.kind === 'invalid').length).toBeGreaterThanOrEqual(7);
        const outputs = [error.message, JSON.stringify(error.issues), inspect(error), String(error.stack)].join('\n');
        expectAbsent(outputs, value);
      }),
      { numRuns: 300 },
    );
  });

  it('an invalid secret still says what is wrong', () => {
    const error = thrown(() => parseEnv({ KEY: secret(z.string().min(32)) }, { KEY: 'short-but-secret' }));
    expect(error.issues[0]?.message).toBe(
      'secret value rejected (value hidden): too short, needs at least 32 characters',
    );
  });
});
