import * as z from 'zod';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject, show } from './issue.ts';

// SI units are powers of 1000, IEC units (KiB, MiB...) powers of 1024, as the standards say.
const unitBytes: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};
const pattern = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i;
const expected = 'a size like 512B, 10KB, 10MB, 1.5GB or 64MiB (or whole bytes)';

/**
 * A size in bytes: `'10MB'` → 10000000, `'10MiB'` → 10485760. Units any case; KB/MB/GB are
 * powers of 1000, KiB/MiB/GiB powers of 1024. Bare digits are bytes; the result is a whole number.
 * @example bytes().default(1_000_000)
 */
export function bytes() {
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): number => {
        const text = input.trim();
        if (text === '') return reject(ctx, input, emptyMessage(expected));
        const match = pattern.exec(text);
        if (match === null) return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
        const factor = match[2] === undefined ? 1 : unitBytes[match[2].toLowerCase()];
        if (factor === undefined)
          return reject(ctx, input, `unknown size unit ${show(match[2] ?? '')} in ${show(input)}`);
        const value = Number(match[1]) * factor;
        if (!Number.isInteger(value)) return reject(ctx, input, `${show(input)} is not a whole number of bytes`);
        if (!Number.isSafeInteger(value)) return reject(ctx, input, `${show(input)} is too large`);
        return value;
      },
      { kind: 'bytes', hint: 'size like 10MB or 64MiB' },
    ),
  );
}
