import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { bool, bytes, duration, EnvError, int, json, list, num, parseEnv, port, url } from '../src/index.ts';

type Outcome = { ok: unknown } | 'error';

function outcome(schema: z.ZodType, input: string): Outcome {
  const result = schema.safeParse(input);
  return result.success ? { ok: result.data } : 'error';
}

// The edge cases the issue names, for every helper: what each must do with them.
const edgeCases = ['8080abc', '1e3', '', ' ', 'FALSE', '0x10', '65536'] as const;
const expectations: Record<string, [z.ZodType, Outcome[]]> = {
  bool: [bool(), ['error', 'error', 'error', 'error', { ok: false }, 'error', 'error']],
  int: [int(), ['error', 'error', 'error', 'error', 'error', 'error', { ok: 65536 }]],
  num: [num(), ['error', { ok: 1000 }, 'error', 'error', 'error', 'error', { ok: 65536 }]],
  port: [port(), ['error', 'error', 'error', 'error', 'error', 'error', 'error']],
  url: [url(), ['error', 'error', 'error', 'error', 'error', 'error', 'error']],
  duration: [duration(), ['error', 'error', 'error', 'error', 'error', 'error', { ok: 65536 }]],
  bytes: [bytes(), ['error', 'error', 'error', 'error', 'error', 'error', { ok: 65536 }]],
  list: [
    list(),
    [
      { ok: ['8080abc'] },
      { ok: ['1e3'] },
      { ok: [] },
      { ok: [] },
      { ok: ['FALSE'] },
      { ok: ['0x10'] },
      { ok: ['65536'] },
    ],
  ],
  'list of int': [list({ of: int() }), ['error', 'error', { ok: [] }, { ok: [] }, 'error', 'error', { ok: [65536] }]],
  json: [json(), ['error', { ok: 1000 }, 'error', 'error', 'error', 'error', { ok: 65536 }]],
};

describe('helpers on the edge cases', () => {
  for (const [name, [schema, expected]] of Object.entries(expectations)) {
    it(`${name}: ${edgeCases.map((input, i) => `${JSON.stringify(input)}→${JSON.stringify(expected[i])}`).join(', ')}`, () => {
      expect(edgeCases.map((input) => outcome(schema, input))).toEqual(expected);
    });
  }
});

describe('bool', () => {
  it('accepts true/false, 1/0, yes/no, on/off in any case', () => {
    for (const input of ['true', 'TRUE', 'True', '1', 'yes', 'YES', 'on', 'On']) expect(bool().parse(input)).toBe(true);
    for (const input of ['false', 'False', '0', 'no', 'NO', 'off', 'OFF']) expect(bool().parse(input)).toBe(false);
  });
  it('rejects anything else instead of calling it true, naming the value', () => {
    const result = bool().safeParse('enabled');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('expected true/false, 1/0, yes/no or on/off, got "enabled"');
    expect(bool().safeParse('truee').success).toBe(false);
    expect(bool().safeParse(' true').success).toBe(false);
  });
});

describe('int and num', () => {
  it('int takes whole decimal numbers with a sign and honours min/max', () => {
    expect(int().parse('-42')).toBe(-42);
    expect(int().parse('+7')).toBe(7);
    expect(int().safeParse('1.5').success).toBe(false);
    expect(int().safeParse('9007199254740993').success).toBe(false);
    expect(int({ min: 1, max: 10 }).safeParse('0').error?.issues[0]?.message).toBe('must be at least 1, got 0');
    expect(int({ min: 1, max: 10 }).safeParse('11').error?.issues[0]?.message).toBe('must be at most 10, got 11');
  });
  it('num takes decimals and exponents but not hex, Infinity or NaN', () => {
    expect(num().parse('1.5')).toBe(1.5);
    expect(num().parse('-.5')).toBe(-0.5);
    expect(num().parse('2E-3')).toBe(0.002);
    for (const input of ['Infinity', 'NaN', '1e999', '1,5', '1.2.3', '.'])
      expect(num().safeParse(input).success).toBe(false);
  });
  it('rejects bad bounds at construction, naming the option', () => {
    expect(() => int({ min: 5, max: 1 })).toThrow('Invalid option "min": int() got min 5 above max 1');
    expect(() => num({ min: Number.NaN })).toThrow(EnvError);
  });
});

describe('port', () => {
  it('takes 1 to 65535 in decimal digits only', () => {
    expect(port().parse('1')).toBe(1);
    expect(port().parse('65535')).toBe(65535);
    expect(port().parse('08080')).toBe(8080);
    for (const input of ['0', '-1', '+80', '80.0', '8080 ', 'http'])
      expect(port().safeParse(input).success).toBe(false);
  });
  it('says what it expected and what it got', () => {
    expect(port().safeParse('8080abc').error?.issues[0]?.message).toBe(
      'expected a port number from 1 to 65535, got "8080abc"',
    );
  });
});

describe('url', () => {
  it('keeps the string as given and checks the scheme', () => {
    const redis = url({ protocols: ['redis', 'rediss:'] });
    expect(redis.parse('redis://:pw@cache:6379/0')).toBe('redis://:pw@cache:6379/0');
    expect(redis.parse('REDISS://cache')).toBe('REDISS://cache');
    expect(redis.safeParse('http://cache').error?.issues[0]?.message).toMatch(
      /expected a URL with scheme redis or rediss/,
    );
  });
  it('masks a password when quoting a rejected URL', () => {
    const message = url({ protocols: ['https'] }).safeParse('postgres://user:hunter2@db/app').error?.issues[0]?.message;
    expect(message).not.toContain('hunter2');
    expect(message).toContain('postgres://***:***@db/app');
  });
  it('rejects invalid protocol options', () => {
    expect(() => url({ protocols: [] })).toThrow(
      'Invalid option "protocols": url() needs a non-empty array of schemes, got an array',
    );
    expect(() => url({ protocols: ['ht tp'] })).toThrow(/invalid scheme/);
  });
});

describe('duration', () => {
  it('turns units into milliseconds', () => {
    expect(duration().parse('15m')).toBe(900_000);
    expect(duration().parse('500ms')).toBe(500);
    expect(duration().parse('30s')).toBe(30_000);
    expect(duration().parse('1h30m')).toBe(5_400_000);
    expect(duration().parse('1.5h')).toBe(5_400_000);
    expect(duration().parse('1d 12h')).toBe(129_600_000);
    expect(duration().parse(' 2 d ')).toBe(172_800_000);
    expect(duration().parse('250')).toBe(250);
    expect(duration().parse('0.4ms')).toBe(0);
  });
  it('rejects unknown units, signs and noise: the grammar of every @infra package, no more', () => {
    for (const input of ['15x', '-5m', '5 m s', 'm', '15mo', '1y', '0x10', '1e3s', '2 days', '1w', '5M', '5min']) {
      expect(duration().safeParse(input).success, input).toBe(false);
    }
    expect(duration().safeParse('5y').error?.issues[0]?.message).toBe(
      'unknown duration unit "y" in "5y" (units are ms, s, m, h and d)',
    );
    expect(duration().safeParse('').error?.issues[0]?.message).toMatch(/got an empty value$/);
  });
});

describe('bytes', () => {
  it('uses powers of 1000 for KB/MB/GB and 1024 for KiB/MiB/GiB, in any case', () => {
    expect(bytes().parse('10MB')).toBe(10_000_000);
    expect(bytes().parse('10mb')).toBe(10_000_000);
    expect(bytes().parse('10MiB')).toBe(10_485_760);
    expect(bytes().parse('1.5KB')).toBe(1500);
    expect(bytes().parse('512 B')).toBe(512);
    expect(bytes().parse('2048')).toBe(2048);
  });
  it('rejects fractions of a byte and unknown units', () => {
    expect(bytes().safeParse('1.5B').success).toBe(false);
    expect(bytes().safeParse('10XB').error?.issues[0]?.message).toBe('unknown size unit "XB" in "10XB"');
    expect(bytes().safeParse('-1KB').success).toBe(false);
  });
});

describe('list', () => {
  it('splits, trims and drops empty items, validating each with `of`', () => {
    expect(list().parse(' a, b ,,c, ')).toEqual(['a', 'b', 'c']);
    expect(list({ separator: ';', of: url() }).parse('http://a;https://b')).toEqual(['http://a', 'https://b']);
    expect(list({ of: z.enum(['x', 'y']) }).parse('x,y,x')).toEqual(['x', 'y', 'x']);
  });
  it('names the failing item', () => {
    expect(list({ of: port() }).safeParse('80,http,443').error?.issues[0]?.message).toBe(
      'item 2: expected a port number from 1 to 65535, got "http"',
    );
  });
  it('rejects a bad separator', () => {
    expect(() => list({ separator: '' })).toThrow('Invalid option "separator": expected a non-empty string, got ""');
  });
});

describe('json', () => {
  it('parses and validates with the given schema', () => {
    const schema = json(z.object({ region: z.string(), replicas: z.number().int() }));
    expect(schema.parse('{"region":"eu","replicas":3}')).toEqual({ region: 'eu', replicas: 3 });
    expect(schema.safeParse('{"region":"eu"}').success).toBe(false);
    expect(schema.safeParse('{region}').error?.issues[0]?.message).toMatch(/^expected JSON: /);
  });
});

describe('composition', () => {
  it('helpers compose with .default(), .optional() and .describe()', () => {
    const env = parseEnv(
      {
        PORT: port().default(3000).describe('HTTP port'),
        DEBUG: bool().optional(),
        TTL: duration().describe('cache ttl').default(60_000),
        TAGS: list().default(['a']),
      },
      {},
    );
    expect(env).toEqual({ PORT: 3000, DEBUG: undefined, TTL: 60_000, TAGS: ['a'] });
  });
});
