import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  generateRegistrySource,
  parseCsv,
  parseRegistry,
  readRegistryData,
  registrySourcePath,
} from '../scripts/generate.ts';
import {
  type ClientErrorStatus,
  isStatusCode,
  REASON_PHRASES,
  REGISTRY,
  REGISTRY_LAST_UPDATED,
  reasonPhrase,
  type ServerErrorStatus,
  Status,
  type StatusCode,
} from '../src/index.ts';

const { csv, meta } = readRegistryData();

/** Every code the CSV lists, with its description; ranges ("105-199") expanded. */
function csvCodes(): Map<number, string> {
  const codes = new Map<number, string>();
  for (const [value = '', description = ''] of parseCsv(csv).slice(1)) {
    const [from, to = from] = value.split('-').map(Number);
    if (from === undefined || to === undefined) throw new Error(`bad row ${value}`);
    for (let code = from; code <= to; code++) codes.set(code, description);
  }
  return codes;
}

describe('registry data and generated table', () => {
  it('src/registry.ts is exactly what scripts/generate.ts produces from registry/', () => {
    expect(readFileSync(registrySourcePath, 'utf8')).toBe(generateRegistrySource(csv, meta));
  });

  it('the CSV covers every code from 100 to 599 exactly once, as IANA lists it', () => {
    const rows = parseCsv(csv).slice(1);
    let next = 100;
    for (const [value = ''] of rows) {
      const [from, to = from] = value.split('-').map(Number);
      expect(from).toBe(next);
      next = (to ?? Number.NaN) + 1;
    }
    expect(next).toBe(600);
    expect(csvCodes().size).toBe(500);
  });

  it('records the date the registry was last updated', () => {
    expect(REGISTRY_LAST_UPDATED).toBe(meta.lastUpdated);
    expect(REGISTRY_LAST_UPDATED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('reasonPhrase gives every registered phrase and undefined for every unassigned or unused code', () => {
    let assigned = 0;
    for (const [code, description] of csvCodes()) {
      if (description === 'Unassigned' || description === '(Unused)') {
        expect(reasonPhrase(code), `code ${code}`).toBeUndefined();
        expect(isStatusCode(code), `code ${code}`).toBe(false);
        continue;
      }
      assigned++;
      // The registry's description is the phrase plus, for some codes, a parenthesised state.
      const phrase = description.replace(/ \((TEMPORARY|OBSOLETED)\b.*\)$/, '');
      expect(reasonPhrase(code), `code ${code}`).toBe(phrase);
      expect(isStatusCode(code), `code ${code}`).toBe(true);
    }
    expect(Object.keys(REASON_PHRASES)).toHaveLength(assigned);
    expect(assigned).toBe(62);
  });

  it('uses the RFC 9110 names and carries the newer registrations', () => {
    expect([413, 414, 416, 422].map((code) => reasonPhrase(code))).toEqual([
      'Content Too Large',
      'URI Too Long',
      'Range Not Satisfiable',
      'Unprocessable Content',
    ]);
    expect([103, 421, 425, 451].map((code) => reasonPhrase(code))).toEqual([
      'Early Hints',
      'Misdirected Request',
      'Too Early',
      'Unavailable For Legal Reasons',
    ]);
  });

  it('marks 104 temporary (with its expiry), 510 obsoleted and 306/418 unused', () => {
    const entry = (code: number) => REGISTRY.find((row) => row.code === code);
    expect(entry(104)).toMatchObject({
      phrase: 'Upload Resumption Supported',
      state: 'temporary',
      expires: '2026-11-13',
    });
    expect(entry(510)).toMatchObject({ phrase: 'Not Extended', state: 'obsoleted' });
    expect(entry(306)).toMatchObject({ phrase: undefined, state: 'unused', reference: '[RFC9110, Section 15.4.7]' });
    expect(entry(418)).toMatchObject({ phrase: undefined, state: 'unused', reference: '[RFC9110, Section 15.5.19]' });
    expect(entry(404)).toMatchObject({
      phrase: 'Not Found',
      state: 'permanent',
      reference: '[RFC9110, Section 15.5.5]',
    });
    expect(REGISTRY.map((row) => row.code)).toEqual(parseRegistry(csv).map((row) => row.code));
  });

  it('Status has a constant per assigned code and keeps the old names as aliases', () => {
    expect(Status.NOT_FOUND).toBe(404);
    expect(Status.CONTENT_TOO_LARGE).toBe(413);
    expect(Status.NON_AUTHORITATIVE_INFORMATION).toBe(203);
    expect(Status.HTTP_VERSION_NOT_SUPPORTED).toBe(505);
    expect(Status.UPLOAD_RESUMPTION_SUPPORTED).toBe(104);
    expect(Status.PAYLOAD_TOO_LARGE).toBe(413);
    expect(Status.UNPROCESSABLE_ENTITY).toBe(422);
    expect(Status.IM_A_TEAPOT).toBe(418);
    const values = new Set<number>(Object.values(Status));
    for (const code of Object.keys(REASON_PHRASES).map(Number)) expect(values.has(code), `code ${code}`).toBe(true);
    expect(Object.keys(Status)).toHaveLength(62 + Object.keys(meta.deprecatedAliases).length);
  });

  it('marks the old names @deprecated in the generated source', () => {
    const source = readFileSync(registrySourcePath, 'utf8');
    for (const name of ['PAYLOAD_TOO_LARGE', 'UNPROCESSABLE_ENTITY', 'IM_A_TEAPOT']) {
      expect(source).toMatch(new RegExp(`/\\*\\* @deprecated [^\\n]*\\*/\\n  ${name}: \\d+,`));
    }
  });

  it("rejects a CSV whose header is not IANA's", () => {
    expect(() => parseRegistry('Code,Phrase\n200,OK\n')).toThrow(/unexpected CSV header/);
  });

  it('types: constants are literals, unions are exact', () => {
    expectTypeOf(Status.NOT_FOUND).toEqualTypeOf<404>();
    expectTypeOf<404>().toExtend<ClientErrorStatus>();
    expectTypeOf<503>().toExtend<ServerErrorStatus>();
    expectTypeOf<418>().not.toExtend<StatusCode>();
    expectTypeOf<419>().not.toExtend<ClientErrorStatus>();
    expectTypeOf(reasonPhrase(404)).toEqualTypeOf<'Not Found'>();
    expectTypeOf(reasonPhrase(419 as number)).toEqualTypeOf<string | undefined>();
  });
});
