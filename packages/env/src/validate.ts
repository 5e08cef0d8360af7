/**
 * Runs a variable's schema synchronously and turns every way it can fail into a result: issues, a throw, or a
 * promise (an async schema, or zod's answer to a transform that threw). Nothing escapes and nothing is left
 * unhandled: a rejected promise nobody awaits would kill the process, and its reason may quote a secret.
 */
import type { StandardSchemaV1 } from './standard-schema.ts';

/** How a schema failed other than by answering with issues. */
export type FailureKind =
  /** The schema threw (synchronously, or zod's async retry of a throwing transform). */
  | 'threw'
  /** The schema needs `await` (an async refine or transform). */
  | 'async'
  /** A promise from a validator that cannot be asked which of the two it was. */
  | 'threw-or-async';

/** A schema that neither gave a value nor issues. A class, so telling it from a result is one prototype check. */
export class SchemaFailure {
  readonly kind: FailureKind;
  readonly error: unknown;

  constructor(kind: FailureKind, error?: unknown) {
    this.kind = kind;
    this.error = error;
  }
}

/** An async schema, reported without running it (see `hasAsyncFunction`). */
export const asyncFailure = new SchemaFailure('async');

/** What running a schema gave: the validator's own result (allocation-free when valid), or how it failed. */
export type Validation = StandardSchemaV1.Result<unknown> | SchemaFailure;

const ignore = (): void => {};

/** Validates `value` with `standard` (and, for zod, `schema` itself to tell a throw from an async schema). */
export function validateSync(standard: StandardSchemaV1.Props, schema: unknown, value: unknown): Validation {
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = standard.validate(value);
  } catch (error) {
    return new SchemaFailure('threw', error);
  }
  return result instanceof Promise ? promised(result, schema, value) : result;
}

/**
 * What a promise from `validate` means, once a handler is attached to it (it may reject, with the input in its
 * reason). `resolve` calls this itself after its own inline `validate`, the per-variable hot path.
 */
export function promised(promise: Promise<unknown>, schema: unknown, value: unknown): SchemaFailure {
  promise.then(ignore, ignore);
  return diagnose(schema, value);
}

interface ZodLike {
  safeParse(value: unknown): unknown;
}

/**
 * zod's Standard Schema `validate` returns a promise both for an async schema and for a transform that threw, so
 * the schema is run once more through `safeParse`, which throws `$ZodAsyncError` for the first and the transform's
 * own error for the second.
 */
function diagnose(schema: unknown, value: unknown): SchemaFailure {
  const zod = zodOf(schema);
  if (zod === undefined) return new SchemaFailure('threw-or-async');
  try {
    zod.safeParse(value);
  } catch (error) {
    return (error as object | null)?.constructor?.name === '$ZodAsyncError'
      ? asyncFailure
      : new SchemaFailure('threw', error);
  }
  return new SchemaFailure('threw-or-async');
}

function zodOf(schema: unknown): ZodLike | undefined {
  const inner = (schema as { schema?: unknown } | null)?.schema ?? schema;
  for (const candidate of [schema, inner]) {
    const vendor = (candidate as Partial<StandardSchemaV1> | null)?.['~standard']?.vendor;
    if (vendor === 'zod' && typeof (candidate as Partial<ZodLike>).safeParse === 'function')
      return candidate as ZodLike;
  }
  return undefined;
}
