/**
 * Runs a variable's schema synchronously and turns every way it can fail into a result: issues, a throw, or a
 * promise (an async schema, or zod's answer to a transform that threw). Nothing escapes and nothing is left
 * unhandled: a rejected promise nobody awaits would kill the process, and its reason may quote a secret.
 */
import type { StandardSchemaV1 } from './standard-schema.ts';

/** What running a schema gave. */
export type Validation =
  | { readonly outcome: 'value'; readonly value: unknown }
  | { readonly outcome: 'issues'; readonly issues: readonly StandardSchemaV1.Issue[] }
  /** The schema threw (synchronously, or zod's async retry of a throwing transform). */
  | { readonly outcome: 'threw'; readonly error: unknown }
  /** The schema needs `await` (an async refine or transform). */
  | { readonly outcome: 'async' }
  /** A promise from a validator that cannot be asked which of the two it was. */
  | { readonly outcome: 'threw-or-async' };

const ignore = (): void => {};

/** Validates `value` with `standard` (and, for zod, `schema` itself to tell a throw from an async schema). */
export function validateSync(standard: StandardSchemaV1.Props, schema: unknown, value: unknown): Validation {
  let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>;
  try {
    result = standard.validate(value);
  } catch (error) {
    return { outcome: 'threw', error };
  }
  if (isThenable(result)) {
    result.then(ignore, ignore);
    return diagnose(schema, value);
  }
  return result.issues === undefined
    ? { outcome: 'value', value: result.value }
    : { outcome: 'issues', issues: result.issues };
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

interface ZodLike {
  safeParse(value: unknown): unknown;
}

/**
 * zod's Standard Schema `validate` returns a promise both for an async schema and for a transform that threw, so
 * the schema is run once more through `safeParse`, which throws `$ZodAsyncError` for the first and the transform's
 * own error for the second.
 */
function diagnose(schema: unknown, value: unknown): Validation {
  const zod = zodOf(schema);
  if (zod === undefined) return { outcome: 'threw-or-async' };
  try {
    zod.safeParse(value);
  } catch (error) {
    return (error as object | null)?.constructor?.name === '$ZodAsyncError'
      ? { outcome: 'async' }
      : { outcome: 'threw', error };
  }
  return { outcome: 'threw-or-async' };
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
