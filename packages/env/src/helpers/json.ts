import * as z from 'zod';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject } from './issue.ts';

const parse = markHelper(
  (input: string, ctx: Ctx): unknown => {
    if (input.trim() === '') return reject(ctx, input, emptyMessage('JSON'));
    try {
      return JSON.parse(input) as unknown;
    } catch (error) {
      return reject(ctx, input, `expected JSON: ${(error as Error).message}`);
    }
  },
  { kind: 'json', hint: 'JSON' },
);

/**
 * A JSON value, parsed and then validated by `schema`.
 * @example json(z.object({ region: z.string(), replicas: z.number().int() }))
 */
export function json(): z.ZodPipe<z.ZodString, z.ZodTransform<unknown, string>>;
export function json<S extends z.ZodType>(
  schema: S,
): z.ZodPipe<z.ZodPipe<z.ZodString, z.ZodTransform<unknown, string>>, S>;
export function json(schema?: z.ZodType) {
  const parsed = z.string().transform(parse);
  return schema === undefined ? parsed : parsed.pipe(schema);
}
