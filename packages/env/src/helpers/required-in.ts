import { invalidOption } from '../errors.ts';
import { markRequiredIn } from '../schema-info.ts';
import type { StandardSchemaV1 } from '../standard-schema.ts';

/** A schema that must be given explicitly in some environments, whatever its default says. */
export interface RequiredIn<S extends StandardSchemaV1>
  extends StandardSchemaV1<StandardSchemaV1.InferInput<S>, StandardSchemaV1.InferOutput<S>> {
  /** The wrapped schema. */
  readonly schema: S;
  /** The `NODE_ENV` values in which a value must be set. */
  readonly environments: readonly string[];
}

/**
 * Makes a variable required in the given environments even though it has a default or is optional
 * elsewhere. Wrap last: `requiredIn('production', url().default('postgres://localhost/dev'))`.
 * @example requiredIn(['production', 'staging'], secret().optional())
 */
export function requiredIn<S extends StandardSchemaV1>(
  environments: string | readonly string[],
  schema: S,
): RequiredIn<S> {
  const list = typeof environments === 'string' ? [environments] : [...environments];
  if (list.length === 0 || list.some((name) => typeof name !== 'string' || name === '')) {
    throw invalidOption('environments', 'requiredIn() needs a non-empty name or list of names');
  }
  if (typeof schema?.['~standard']?.validate !== 'function') {
    throw invalidOption('schema', 'requiredIn() needs a zod or Standard Schema schema as its second argument');
  }
  const wrapper: RequiredIn<S> = Object.freeze({
    '~standard': schema['~standard'] as RequiredIn<S>['~standard'],
    schema,
    environments: Object.freeze(list),
  });
  markRequiredIn(wrapper);
  return wrapper;
}
