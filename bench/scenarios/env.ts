/**
 * @infra/env vs @t3-oss/env-core, in one process on the same 50-variable environment.
 *
 * The environment: 10 ports, 10 whole numbers, 10 booleans, 10 URLs and 10 strings (every fifth one
 * left empty so its default applies). Both sides validate the same record, with their idiomatic zod 4
 * schemas, and return the typed object.
 * - "50 variables, valid": ours `parseEnv(schema, record)` (what `defineEnv` runs after reading its
 *   sources); peer `createEnv({ server, runtimeEnv: record, emptyStringAsUndefined: true })`.
 * - "50 variables, 6 invalid": the same with 6 bad values; both collect every problem and throw.
 *
 * `env-envalid.ts` runs the same cases against envalid. The named exports are shared with it.
 */
import { bool, int, parseEnv, port, url } from '@infra/env';
import { createEnv } from '@t3-oss/env-core';
import * as z from 'zod';
import { defineScenario } from '../src/scenario.ts';

const groups = 10;

/**
 * The 50-variable record both sides validate. `invalid` breaks 6 values; `blanks` leaves every fifth
 * group empty (`PORT_4=`) so defaults must apply, or leaves those keys out (for envalid, which rejects
 * empty values instead of applying the default).
 */
export function environment(invalid = false, blanks: 'empty' | 'absent' = 'empty'): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < groups; i++) {
    const blank = i % 5 === 4;
    if (blank && blanks === 'absent') continue;
    const broken = invalid && i % 5 === 0;
    record[`PORT_${i}`] = blank ? '' : broken ? '8080abc' : String(3000 + i);
    record[`COUNT_${i}`] = blank ? '' : broken ? '1e3' : String(i * 7);
    record[`FLAG_${i}`] = blank ? '' : i % 2 === 0 ? 'true' : 'false';
    record[`URL_${i}`] = blank ? '' : broken ? 'not a url' : `https://service-${i}.example.com/api`;
    record[`NAME_${i}`] = blank ? '' : `name-${i}`;
  }
  return record;
}

function oursSchema() {
  const schema: Record<string, z.ZodType> = {};
  for (let i = 0; i < groups; i++) {
    schema[`PORT_${i}`] = port().default(3000);
    schema[`COUNT_${i}`] = int().default(0);
    schema[`FLAG_${i}`] = bool().default(false);
    schema[`URL_${i}`] = url().default('https://default.example.com');
    schema[`NAME_${i}`] = z.string().default('none');
  }
  return schema;
}

function t3Schema() {
  const schema: Record<string, z.ZodType> = {};
  for (let i = 0; i < groups; i++) {
    schema[`PORT_${i}`] = z.coerce.number().int().min(1).max(65_535).default(3000);
    schema[`COUNT_${i}`] = z.coerce.number().int().default(0);
    schema[`FLAG_${i}`] = z.stringbool().default(false);
    schema[`URL_${i}`] = z.url().default('https://default.example.com');
    schema[`NAME_${i}`] = z.string().default('none');
  }
  return schema;
}

/** Our side of every case, shared with env-envalid.ts. */
export const ours = {
  schema: oursSchema(),
  parse(record: Record<string, string>): number {
    return Object.keys(parseEnv(this.schema, record)).length;
  },
};

export function expectThrow(fn: () => unknown): number {
  try {
    fn();
  } catch {
    return 1;
  }
  throw new Error('the invalid environment was accepted');
}

export default defineScenario({
  name: 'env',
  ours: '@infra/env',
  peer: '@t3-oss/env-core',
  description: 'validate 50 variables into a typed object (valid, and with 6 invalid)',
  async run(bench) {
    const valid = environment();
    const invalid = environment(true);
    const server = t3Schema();
    const t3 = (record: Record<string, string>) =>
      createEnv({
        server,
        runtimeEnv: record,
        emptyStringAsUndefined: true,
        onValidationError: (issues) => {
          throw new Error(`${issues.length} invalid`);
        },
      });
    // Same answers before timing anything: both accept the valid record and reject the invalid one.
    if (ours.parse(valid) !== Object.keys(t3(valid)).length) throw new Error('the sides disagree on the valid record');
    expectThrow(() => ours.parse(invalid));
    expectThrow(() => t3(invalid));

    let sink = 0;
    await bench.compare('50 variables, valid', {
      ours: () => {
        sink += ours.parse(valid);
      },
      peer: () => {
        sink += Object.keys(t3(valid)).length;
      },
    });
    await bench.compare('50 variables, 6 invalid (all reported)', {
      ours: () => {
        sink += expectThrow(() => ours.parse(invalid));
      },
      peer: () => {
        sink += expectThrow(() => t3(invalid));
      },
    });
    if (sink === 0) throw new Error('nothing ran');
  },
});
