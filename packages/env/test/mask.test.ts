// Issue 11, defect 10: URL userinfo (a user alone too) and secret-looking query parameters are masked wherever
// a value is shown: describeEnv, issue messages, EnvError, production findings, redactPaths, the CLI's JSON.
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { checkProduction, describeEnv, duration, EnvError, list, parseEnv, redactPaths, url } from '../src/index.ts';
import { maskUrlSecrets } from '../src/mask.ts';

function rejected(fn: () => unknown): EnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected an EnvError');
}

describe('maskUrlSecrets', () => {
  it.each([
    ['http://tok3n@db/x', 'http://***@db/x'],
    ['https://ghp_abcdef123456@github.com/org/repo.git', 'https://***@github.com/org/repo.git'],
    ['postgres://app:hunter2@db:5432/app', 'postgres://***:***@db:5432/app'],
    ['redis://:hunter2@cache:6379/0', 'redis://***:***@cache:6379/0'],
    ['postgres://app:p@ss@db/app', 'postgres://***:***@db/app'],
    ['postgres://app:pa/ss@db/app', 'postgres://***:***@db/app'],
    ['redis://:p#ss@cache:6379', 'redis://***:***@cache:6379'],
    // As V8 quotes a long input in a JSON.parse error: cut inside the password, before the `@`.
    ['"https://app:verylongpas"... is not valid JSON', '"https://***"... is not valid JSON'],
    ['https://api.example.com/v1?password=hunter2', 'https://api.example.com/v1?password=***'],
    ['https://api.example.com/v1?token=abc&page=2', 'https://api.example.com/v1?token=***&page=2'],
    ['https://x.blob.core.windows.net/c/b?sv=2024&sig=AbC%2Bd', 'https://x.blob.core.windows.net/c/b?sv=2024&sig=***'],
    [
      'https://h/p?secret=s1&api_key=k1&apikey=k2&access_token=t1',
      'https://h/p?secret=***&api_key=***&apikey=***&access_token=***',
    ],
    [
      'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101&X-Amz-Security-Token=IQo&X-Amz-Signature=0a1b',
      'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***&X-Amz-Security-Token=***&X-Amz-Signature=***',
    ],
    ['https://app.example.com/cb#access_token=t0k&state=1', 'https://app.example.com/cb#access_token=***&state=1'],
    ['got "http://u:pw@db/x" and "https://h/?token=t"', 'got "http://***:***@db/x" and "https://h/?token=***"'],
  ])('%s', (input, expected) => {
    expect(maskUrlSecrets(input)).toBe(expected);
  });

  it.each([
    'postgres://db.example.com:5432/app?sslmode=verify-full&application_name=api',
    'redis://127.0.0.1:6379/0',
    'rediss://[::1]:6380',
    'https://example.com/@scope/package',
    'https://h/p?page=2&sort=name',
    'not a url: user@example.com',
  ])('leaves %s as it is', (input) => {
    expect(maskUrlSecrets(input)).toBe(input);
  });

  const token = fc.stringMatching(/^[A-Za-z0-9_.~-]{8,40}$/);
  const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}(\.[a-z]{2,6})?$/);
  const scheme = fc.constantFrom('http', 'https', 'postgres', 'redis', 'rediss', 'amqp', 'mongodb+srv');
  const parameter = fc.constantFrom('password', 'token', 'sig', 'secret', 'api_key', 'X-Amz-Signature', 'auth');

  it('no token in userinfo or a secret parameter survives (property)', () => {
    fc.assert(
      fc.property(scheme, host, token, token, parameter, (protocol, hostname, user, secret, name) => {
        const forms = [
          `${protocol}://${user}@${hostname}/db`,
          `${protocol}://${user}:${secret}@${hostname}:5432/db`,
          `${protocol}://${hostname}/p?a=1&${name}=${secret}&b=2`,
          `${protocol}://${hostname}/p#${name}=${secret}`,
        ];
        for (const text of forms) {
          const masked = maskUrlSecrets(`value ${JSON.stringify(text)} rejected`);
          expect(masked).not.toContain(secret);
          if (text.includes('@')) expect(masked).not.toContain(user);
          expect(maskUrlSecrets(masked)).toBe(masked);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('masked everywhere a value is shown', () => {
  const schema = {
    DATABASE_URL: url(),
    WEBHOOK: url(),
    SIGNED: url(),
    MIRRORS: list({ of: url() }),
  };
  const values = {
    DATABASE_URL: 'postgres://tok3n-user-only@db/x',
    WEBHOOK: 'https://hooks.example.com/in?token=tkn-0123456789&team=a',
    SIGNED: 'https://b.s3.amazonaws.com/k?X-Amz-Signature=sig0123456789abcdef',
    MIRRORS: 'https://u:pw0123456789@m1.example.com,https://m2.example.com/?password=pw9876543210',
  };
  const secrets = ['tok3n-user-only', 'tkn-0123456789', 'sig0123456789abcdef', 'pw0123456789', 'pw9876543210'];
  const expectHidden = (text: string) => {
    for (const secret of secrets) expect(text).not.toContain(secret);
  };

  it('describeEnv rows and their JSON', () => {
    const rows = describeEnv(parseEnv(schema, values));
    expect(rows.map((row) => row.value)).toEqual([
      'postgres://***@db/x',
      'https://hooks.example.com/in?token=***&team=a',
      'https://b.s3.amazonaws.com/k?X-Amz-Signature=***',
      '["https://***:***@m1.example.com","https://m2.example.com/?password=***"]',
    ]);
    expectHidden(JSON.stringify(rows));
  });

  it('redactPaths names every value that holds a URL secret', () => {
    expect(redactPaths(parseEnv(schema, values), { prefix: 'config' })).toEqual([
      'config.DATABASE_URL',
      'config.WEBHOOK',
      'config.SIGNED',
      'config.MIRRORS[0]',
      'config.MIRRORS[1]',
    ]);
  });

  it('production findings', () => {
    const report = checkProduction(parseEnv({ API: url() }, { API: 'http://tok3n-user-only@api.example.com/x' }));
    expect(report.findings.map((finding) => finding.message)).toContain(
      'uses plain http:// for an external service (http://api.example.com); use https://',
    );
    expectHidden(JSON.stringify(report));
  });

  it('EnvError message, issues and inspect, whatever the validator quotes', () => {
    const quoting = z.string().refine(() => false, { error: (issue) => `rejected ${String(issue.input)}` });
    const error = rejected(() =>
      parseEnv(
        {
          WRONG_SCHEME: url({ protocols: ['https'] }),
          QUOTED: quoting,
          DURATION: duration(),
          ITEMS: list({ of: url({ protocols: ['https'] }) }),
        },
        {
          WRONG_SCHEME: 'http://tok3n-user-only@db/x',
          QUOTED: 'https://h/?token=tkn-0123456789',
          DURATION: 'https://u:pw0123456789-and-then-some-more@h',
          ITEMS: 'http://h/?X-Amz-Signature=sig0123456789abcdef',
        },
      ),
    );
    expect(error.issues.map((issue) => issue.message)).toEqual([
      'expected a URL with scheme https, got http:// ("http://***@db/x")',
      'rejected https://h/?token=***',
      "expected a duration such as '250ms', '30s', '5m' or '1h30m' (units are ms, s, m, h and d), got \"https://***:***@h\"",
      'item 1: expected a URL with scheme https, got http:// ("http://h/?X-Amz-Signature=***")',
    ]);
    expectHidden([error.message, JSON.stringify(error.issues), inspect(error)].join('\n'));
  });
});
