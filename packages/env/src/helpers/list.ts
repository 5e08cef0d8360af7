import * as z from 'zod';
import { invalidOption } from '../errors.ts';
import { describeFailure, describeIssues } from '../issues.ts';
import { checks } from '../options.ts';
import { hasAsyncFunction, markHelper } from '../schema-info.ts';
import type { StandardSchemaV1 } from '../standard-schema.ts';
import { asyncFailure, SchemaFailure, validateSync } from '../validate.ts';
import { type Ctx, reject } from './issue.ts';

/** Options of `list()`. */
export interface ListOptions<Item extends StandardSchemaV1<string, unknown>> {
  /** What separates items; each item is trimmed and empty items are dropped. @default ',' */
  separator?: string;
  /** The schema of one item (e.g. `url()`, `int()`, `z.enum([...])`). @default strings as given */
  of?: Item;
}

/**
 * A separated list: `'a, b,c'` → `['a', 'b', 'c']`, each item validated by `of`.
 * @example list({ of: url() }).default([])
 */
export function list<Item extends StandardSchemaV1<string, unknown> = StandardSchemaV1<string, string>>(
  options: ListOptions<Item> = {},
) {
  const separator = checks.string(options.separator, 'separator', ',');
  const item = options.of;
  if (item !== undefined && typeof item['~standard']?.validate !== 'function') {
    throw invalidOption('of', 'list() needs a zod or Standard Schema schema for its items');
  }
  const itemAsync = hasAsyncFunction(item);
  type Out = StandardSchemaV1.InferOutput<Item>;
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): Out[] => {
        const parts = input
          .split(separator)
          .map((part) => part.trim())
          .filter((part) => part !== '');
        if (item === undefined) return parts as Out[];
        const values: Out[] = [];
        const problems: string[] = [];
        parts.forEach((part, index) => {
          const result = itemAsync ? asyncFailure : validateSync(item['~standard'], item, part);
          if (result instanceof SchemaFailure) problems.push(`item ${index + 1}: ${describeFailure(result, false)}`);
          else if (result.issues !== undefined) problems.push(`item ${index + 1}: ${describeIssues(result.issues)}`);
          else values.push(result.value as Out);
        });
        return problems.length === 0 ? values : reject(ctx, input, problems.join('; '));
      },
      { kind: 'list', hint: `list separated by ${JSON.stringify(separator)}` },
    ),
  );
}
