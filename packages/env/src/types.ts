import type { Secret } from './secret.ts';
import type { StandardSchemaV1 } from './standard-schema.ts';

/** What `defineEnv` validates: one schema per variable (zod 4 or any Standard Schema validator). */
export type EnvSchema = Record<string, StandardSchemaV1>;

/** One problem with one variable. */
export interface EnvIssue {
  /** The variable's name. */
  key: string;
  /** `missing`: no value and no default; `invalid`: a value the schema rejected. */
  kind: 'missing' | 'invalid';
  /** What is wrong, in words; never contains a secret's value. */
  message: string;
  /** Where the value came from (`.env.local:3`, `process.env`), or for a missing one where it was looked for. */
  source: string;
}

/** How bad a production-readiness finding is. */
export type FindingSeverity = 'error' | 'warning' | 'info';

/** One production-readiness problem. */
export interface ProductionFinding {
  key: string;
  severity: FindingSeverity;
  message: string;
}

/** The production-readiness report of an env object. */
export interface ProductionReport {
  /** 100 with no findings; each error costs 25, each warning 10, each info 2 (never below 0). */
  score: number;
  findings: ProductionFinding[];
}

/** Per-environment defaults, keyed by `NODE_ENV` (`development`, `test`, `production`, ...). */
export type EnvironmentDefaults<S extends EnvSchema> = {
  readonly [environment: string]: { readonly [K in keyof S]?: string | number | boolean } | undefined;
};

type DeepReadonly<T> = T extends Secret<unknown> | ((...args: never[]) => unknown) | Date | RegExp | URL
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** The typed, deeply frozen config `defineEnv` returns for a schema. */
export type Env<S extends EnvSchema> = {
  readonly [K in keyof S]: DeepReadonly<StandardSchemaV1.InferOutput<S[K]>>;
};
