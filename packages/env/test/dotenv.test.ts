import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineEnv, EnvError, parseDotenv, port } from '../src/index.ts';

const sample = [
  '# a comment',
  'PLAIN=value',
  'export EXPORTED=yes',
  'export   SPACED = padded  ',
  "SINGLE='single # not a comment'",
  'DOUBLE="double\\nwith escape"',
  'BACKTICK=`it\'s "both"`',
  'INLINE=value # trailing comment',
  'MULTI="line one',
  'line two',
  'line three"',
  'AFTER=after-multiline',
  '',
  '   # indented comment',
  'EMPTY=',
  'PLAIN=overridden',
].join('\n');

describe('parseDotenv', () => {
  const parsed = parseDotenv(sample, '.env.test');

  it('gives the values Node itself would load (util.parseEnv)', () => {
    expect(parsed.values).toEqual({
      PLAIN: 'overridden',
      EXPORTED: 'yes',
      SPACED: 'padded',
      SINGLE: 'single # not a comment',
      DOUBLE: 'double\nwith escape',
      BACKTICK: 'it\'s "both"',
      INLINE: 'value',
      MULTI: 'line one\nline two\nline three',
      AFTER: 'after-multiline',
      EMPTY: '',
    });
  });

  it('finds the line of each assignment, the last one for a repeated key', () => {
    expect(Object.fromEntries(parsed.lines)).toEqual({
      PLAIN: 16,
      EXPORTED: 3,
      SPACED: 4,
      SINGLE: 5,
      DOUBLE: 6,
      BACKTICK: 7,
      INLINE: 8,
      MULTI: 9,
      AFTER: 12,
      EMPTY: 15,
    });
  });

  it('counts lines the same with CRLF line ends', () => {
    const crlf = parseDotenv(sample.replaceAll('\n', '\r\n'));
    expect(crlf.values).toEqual(parsed.values);
    expect(crlf.lines).toEqual(parsed.lines);
  });

  it('follows Node through its quirks: an unterminated double quote runs to the next quote', () => {
    const quirky = parseDotenv('A="open\nB=2\nC="closed"\nD=4');
    expect(quirky.values).toEqual({ A: 'open\nB=2\nC=', D: '4' });
    expect(Object.fromEntries(quirky.lines)).toEqual({ A: 1, D: 4 });
  });

  it('puts random files of every statement form on the right lines (property)', () => {
    const key = fc.constantFrom('A', 'B', 'C', 'DB_URL', 'PORT', 'X1');
    const plainText = fc.stringMatching(/^[a-z0-9:/._-]{0,12}$/);
    const statement = fc.oneof(
      fc.record({ kind: fc.constant('blank' as const) }),
      fc.record({ kind: fc.constant('comment' as const), text: plainText }),
      fc.record({
        kind: fc.constant('assign' as const),
        key,
        exported: fc.boolean(),
        quote: fc.constantFrom('', "'", '"', '`'),
        value: plainText,
        multiline: fc.boolean(),
        comment: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 25 }), (statements) => {
        const lines: string[] = [];
        const expected = new Map<string, number>();
        for (const s of statements) {
          if (s.kind === 'blank') lines.push('');
          else if (s.kind === 'comment') lines.push(`# ${s.text}`);
          else {
            const multiline = s.multiline && s.quote !== '';
            const body = multiline ? `${s.value}\n${s.value}` : s.value;
            const text = `${s.exported ? 'export ' : ''}${s.key}=${s.quote}${body}${s.quote}${s.comment ? ' # note' : ''}`;
            // Node quirk: `export A=` with nothing after the `=` is stored under "export A".
            const bare = s.exported && s.quote === '' && s.value === '' && !s.comment;
            expected.set(bare ? `export ${s.key}` : s.key, lines.length + 1);
            lines.push(...text.split('\n'));
          }
        }
        const result = parseDotenv(lines.join('\n'));
        expect(Object.keys(result.values).sort()).toEqual([...expected.keys()].sort());
        expect(Object.fromEntries(result.lines)).toEqual(Object.fromEntries(expected));
      }),
      { numRuns: 500 },
    );
  });
});

// Where Node's parser and the dotenv package disagree. @infra/env follows Node; the README lists these.
describe('Node (followed) versus dotenv', () => {
  const cases: [name: string, text: string, node: Record<string, string>, dotenvResult: Record<string, string>][] = [
    ['escaped quote inside double quotes', 'A="a\\"b"', { A: 'a\\' }, { A: 'a\\"b' }],
    ['YAML-style colon', 'A: b', {}, { A: 'b' }],
    ['\\r escape in double quotes', 'A="x\\ry"', { A: 'x\\ry' }, { A: 'x\ry' }],
    ['space inside a key', 'A B=1', { 'A B': '1' }, {}],
    ['text after the closing quote', 'A="x" y', { A: 'x' }, { A: '"x" y' }],
    ['indented comment containing =', 'A="x"\n  # c=d\nB=1', { A: 'x', '# c': 'd', B: '1' }, { A: 'x', B: '1' }],
    ['export with an empty value', 'export A=\nB=1', { 'export A': '', B: '1' }, { A: '', B: '1' }],
  ];
  for (const [name, text, node, dotenvResult] of cases) {
    it(`${name}: Node ${JSON.stringify(node)}, dotenv ${JSON.stringify(dotenvResult)}`, () => {
      expect(parseDotenv(text).values).toEqual(node);
      expect(dotenv.parse(text)).toEqual(dotenvResult);
    });
  }

  const agreed: [name: string, text: string][] = [
    ['# starts a comment even without a space', 'A=abc#def'],
    ['unterminated quote keeps the line', 'A="abc\nB=2'],
    ['single quotes do not expand \\n', "A='a\\nb'"],
    ['backticks span lines', 'A=`a\nb`'],
    ['# inside quotes is kept', 'A="a # b" # c'],
    ['no $VAR expansion', 'A=$HOME'],
    ['dots and dashes in keys', 'A.B-C=1'],
    ['the last of repeated keys wins', 'A=1\nA=2'],
  ];
  for (const [name, text] of agreed) {
    it(`both: ${name}`, () => {
      expect(parseDotenv(text).values).toEqual(dotenv.parse(text));
    });
  }
});

describe('reading files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infra-env-files-'));
  writeFileSync(join(dir, '.env'), 'PORT=3000\n');

  it('skips a missing file, but not one marked required', () => {
    expect(defineEnv({ PORT: port() }, { env: {}, cwd: dir, files: ['.env', '.env.missing'] })).toEqual({ PORT: 3000 });
    const error = catchError(() =>
      defineEnv({ PORT: port() }, { env: {}, cwd: dir, files: ['.env', { path: '.env.missing', required: true }] }),
    );
    expect(error).toBeInstanceOf(EnvError);
    expect(error).toMatchObject({ code: 'ERR_ENV_FILE' });
    expect((error as Error).message).toContain('.env.missing does not exist');
  });

  it('fails on a file that exists but cannot be read', () => {
    expect(() => defineEnv({}, { env: {}, cwd: dir, files: ['.'] })).toThrow(/cannot be read \(EISDIR\)/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
