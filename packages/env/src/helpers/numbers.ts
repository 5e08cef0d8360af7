import * as z from 'zod';
import { describe } from '../../../../internal/src/index.ts';
import { invalidOption } from '../errors.ts';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject, show } from './issue.ts';

/** Bounds for `int()` and `num()`. */
export interface RangeOptions {
  /** Smallest accepted value (inclusive). @default no bound */
  min?: number;
  /** Largest accepted value (inclusive). @default no bound */
  max?: number;
}

const wholeNumber = /^[+-]?\d+$/;
// Decimal notation only: no hex (`0x10`), no `Infinity`, no trailing text (`8080abc`).
const decimalNumber = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const digits = /^\d+$/;

function checkRange(helper: string, options: RangeOptions): void {
  for (const name of ['min', 'max'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value))) {
      throw invalidOption(name, `${helper}() needs a number, got ${describe(value)}`);
    }
  }
  if (options.min !== undefined && options.max !== undefined && options.min > options.max) {
    throw invalidOption('min', `${helper}() got min ${options.min} above max ${options.max}`);
  }
}

function inRange(value: number, options: RangeOptions): string | undefined {
  if (options.min !== undefined && value < options.min) return `must be at least ${options.min}`;
  if (options.max !== undefined && value > options.max) return `must be at most ${options.max}`;
  return undefined;
}

/**
 * A whole number written in decimal digits (optional sign). `"8080abc"`, `"1e3"`, `"0x10"` and
 * `"1.5"` are errors, not 8080, 1000, 16 or 1.
 * @example int({ min: 1 }).default(4)
 */
export function int(options: RangeOptions = {}) {
  checkRange('int', options);
  const expected = 'a whole number';
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): number => {
        if (input.trim() === '') return reject(ctx, input, emptyMessage(expected));
        if (!wholeNumber.test(input)) return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
        const value = Number(input);
        if (!Number.isSafeInteger(value)) return reject(ctx, input, `${show(input)} is beyond the safe integer range`);
        const range = inRange(value, options);
        return range === undefined ? value : reject(ctx, input, `${range}, got ${value}`);
      },
      { kind: 'int', hint: 'whole number' },
    ),
  );
}

/**
 * A finite decimal number (`1.5`, `-2`, `1e3`). No hex, no `Infinity`/`NaN`, no trailing text.
 * @example num({ min: 0, max: 1 }).default(0.1)
 */
export function num(options: RangeOptions = {}) {
  checkRange('num', options);
  const expected = 'a number';
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): number => {
        if (input.trim() === '') return reject(ctx, input, emptyMessage(expected));
        if (!decimalNumber.test(input)) return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
        const value = Number(input);
        if (!Number.isFinite(value)) return reject(ctx, input, `${show(input)} is too large to be a number`);
        const range = inRange(value, options);
        return range === undefined ? value : reject(ctx, input, `${range}, got ${value}`);
      },
      { kind: 'num', hint: 'number' },
    ),
  );
}

/**
 * A TCP/UDP port: decimal digits only, 1 to 65535.
 * @example port().default(3000)
 */
export function port() {
  const expected = 'a port number from 1 to 65535';
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): number => {
        if (input.trim() === '') return reject(ctx, input, emptyMessage(expected));
        if (!digits.test(input)) return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
        const value = Number(input);
        if (value < 1 || value > 65_535) return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
        return value;
      },
      { kind: 'port', hint: 'port, 1-65535' },
    ),
  );
}
