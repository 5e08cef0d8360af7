import { invalidOption } from './errors.ts';
import { hasAsyncFunction, isSecretSchema, requiredInOf } from './schema-info.ts';
import type { StandardSchemaV1 } from './standard-schema.ts';
import type { EnvSchema } from './types.ts';

/** One variable of a schema, prepared once per schema object (see `planOf`). */
export interface PlannedKey {
  key: string;
  /** The schema as given (zod's own API tells a throwing transform from an async one). */
  schema: StandardSchemaV1;
  standard: StandardSchemaV1.Props;
  secret: boolean;
  /** Holds an `async` function: never run synchronously (see `hasAsyncFunction`). */
  async: boolean;
  requiredIn: readonly string[];
}

const plans = new WeakMap<object, PlannedKey[]>();

/**
 * The schema checked and walked once: config is usually parsed once, but tests and serverless
 * cold starts parse the same schema object many times. A schema object is treated as fixed after
 * its first use.
 */
export function planOf(schema: EnvSchema): PlannedKey[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw invalidOption('schema', 'expected an object of { NAME: schema }');
  }
  let plan = plans.get(schema);
  if (plan !== undefined) return plan;
  plan = Object.keys(schema).map((key) => {
    const entry = schema[key] as Partial<StandardSchemaV1> | null;
    const standard = entry?.['~standard'];
    if (typeof standard?.validate !== 'function') {
      throw invalidOption(`schema.${key}`, 'expected a zod or Standard Schema schema');
    }
    return {
      key,
      schema: entry as StandardSchemaV1,
      standard,
      secret: isSecretSchema(entry),
      async: hasAsyncFunction(entry),
      requiredIn: requiredInOf(entry),
    };
  });
  plans.set(schema, plan);
  return plan;
}
