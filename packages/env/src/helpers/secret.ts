import * as z from 'zod';
import { markHelper } from '../schema-info.ts';
import { Secret } from '../secret.ts';

const toSecret = markHelper(<T>(value: T): Secret<T> => new Secret(value), {
  kind: 'secret',
  hint: 'secret',
});

/**
 * A secret: validated by `schema` (a string by default), then wrapped in a `Secret` that prints as
 * `[redacted]` everywhere. Error messages about it never quote its value.
 * @example secret(z.string().min(32))
 */
export function secret(): z.ZodPipe<z.ZodString, z.ZodTransform<Secret<string>, string>>;
export function secret<S extends z.ZodType>(schema: S): z.ZodPipe<S, z.ZodTransform<Secret<z.output<S>>, z.output<S>>>;
export function secret(schema: z.ZodType = z.string()) {
  return schema.transform(toSecret);
}
