import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import {
  bool,
  bytes,
  defineEnv,
  duration,
  type Env,
  int,
  json,
  list,
  num,
  parseEnv,
  port,
  requiredIn,
  type Secret,
  secret,
  url,
} from '../src/index.ts';

const schema = {
  PORT: port().default(3000),
  DEBUG: bool().optional(),
  WORKERS: int(),
  RATIO: num(),
  TIMEOUT: duration(),
  MAX_BODY: bytes(),
  DATABASE_URL: requiredIn('production', url().default('postgres://localhost/dev')),
  HOSTS: list({ of: url() }),
  PORTS: list({ of: port() }),
  LIMITS: json(z.object({ rps: z.number() })),
  API_KEY: secret(),
  SIGNING_KEY: secret(z.string().min(32)).optional(),
  LEVEL: z.enum(['debug', 'info']).default('info'),
};

describe('inferred types', () => {
  it('follow each schema, readonly all the way down', () => {
    type E = Env<typeof schema>;
    expectTypeOf<E['PORT']>().toEqualTypeOf<number>();
    expectTypeOf<E['DEBUG']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<E['WORKERS']>().toEqualTypeOf<number>();
    expectTypeOf<E['TIMEOUT']>().toEqualTypeOf<number>();
    expectTypeOf<E['DATABASE_URL']>().toEqualTypeOf<string>();
    expectTypeOf<E['HOSTS']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<E['PORTS']>().toEqualTypeOf<readonly number[]>();
    expectTypeOf<E['LIMITS']>().toEqualTypeOf<{ readonly rps: number }>();
    expectTypeOf<E['API_KEY']>().toEqualTypeOf<Secret<string>>();
    expectTypeOf<E['SIGNING_KEY']>().toEqualTypeOf<Secret<string> | undefined>();
    expectTypeOf<E['LEVEL']>().toEqualTypeOf<'debug' | 'info'>();
  });

  it('defineEnv and parseEnv return Env<schema>', () => {
    expectTypeOf(defineEnv<typeof schema>).returns.toEqualTypeOf<Env<typeof schema>>();
    expectTypeOf(parseEnv<typeof schema>).returns.toEqualTypeOf<Env<typeof schema>>();
  });

  it('defaults take the output type', () => {
    expectTypeOf(port().default).parameter(0).toEqualTypeOf<number | (() => number)>();
  });
});
