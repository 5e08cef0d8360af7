import * as z from 'zod';
import { optionChecks } from '../../../../internal/src/index.ts';
import { EnvError } from '../errors.ts';
import { maskUrlSecrets } from '../mask.ts';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject } from './issue.ts';

const expected = 'a duration like 500ms, 30s, 15m, 1h30m or 7d (or milliseconds)';

// The kernel's duration check (the one grammar of every `@infra` package). Its error carries just the reason and
// never leaves `duration()`: here a bad duration is an issue of the variable, not a bad option.
const kernel = optionChecks((_option, reason) => new EnvError('ERR_ENV_VALIDATION', reason));

/**
 * A duration in milliseconds, rounded to whole milliseconds: `'15m'` → 900000. The grammar every `@infra/*`
 * package shares: one or more `<number><unit>` parts with units ms, s, m, h, d (lower-case; `m` is minutes,
 * there are no months), decimals allowed, summed (`'1h30m'`, `'1d 12h'`). A bare number is milliseconds.
 * @example duration().default(30_000)
 */
export function duration() {
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): number => {
        if (input.trim() === '') return reject(ctx, input, emptyMessage(expected));
        try {
          // Masked before the kernel quotes (and cuts) it: a cut URL could no longer be masked. A duration holds
          // no `://`, so masking never changes a valid one.
          return kernel.duration(maskUrlSecrets(input), 'duration');
        } catch (error) {
          if (!(error instanceof EnvError)) throw error;
          return reject(ctx, input, error.message);
        }
      },
      { kind: 'duration', hint: 'duration like 15m, 30s or 1h30m' },
    ),
  );
}
