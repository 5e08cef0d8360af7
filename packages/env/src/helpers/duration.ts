import * as z from 'zod';
import { parseDurationMs } from '../../../../internal/src/duration.ts';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject, show } from './issue.ts';

const expected = 'a duration like 500ms, 30s, 15m, 1h30m or 7d (or milliseconds)';

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
        const result = parseDurationMs(input, show);
        return result.ok ? Math.round(result.ms) : reject(ctx, input, result.reason);
      },
      { kind: 'duration', hint: 'duration like 15m, 30s or 1h30m' },
    ),
  );
}
