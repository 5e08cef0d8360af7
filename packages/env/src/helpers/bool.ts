import * as z from 'zod';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject, show } from './issue.ts';

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);
const expected = 'true/false, 1/0, yes/no or on/off';

/**
 * A boolean: `true/false`, `1/0`, `yes/no`, `on/off` in any case. Anything else is an error,
 * never `true` (unlike `z.coerce.boolean()`, which turns `"false"` into `true`).
 * @example bool().default(false)
 */
export function bool() {
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): boolean => {
        const word = input.toLowerCase();
        if (truthy.has(word)) return true;
        if (falsy.has(word)) return false;
        if (input.trim() === '') return reject(ctx, input, emptyMessage(expected));
        return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
      },
      { kind: 'bool', hint: 'true/false, 1/0, yes/no or on/off' },
    ),
  );
}
