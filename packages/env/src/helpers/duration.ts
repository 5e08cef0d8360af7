import * as z from 'zod';
import { markHelper } from '../schema-info.ts';
import { type Ctx, emptyMessage, reject, show } from './issue.ts';

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};
const whole = /^(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$/i;
const part = /(\d+(?:\.\d+)?)\s*([a-z]+)/gi;
const expected = 'a duration like 500ms, 30s, 15m, 1h30m or 7d (or whole milliseconds)';

/**
 * A duration in milliseconds: `'15m'` → 900000. Units ms, s, m, h, d, w (and their long names, any
 * case; `m` is minutes, there are no months), combinable (`'1h30m'`). Bare digits are milliseconds.
 * @example duration().default(30_000)
 */
export function duration() {
  return z.string().transform(
    markHelper(
      (input: string, ctx: Ctx): number => {
        const text = input.trim();
        if (text === '') return reject(ctx, input, emptyMessage(expected));
        if (/^\d+$/.test(text)) return checked(Number(text), input, ctx);
        if (!whole.test(text)) return reject(ctx, input, `expected ${expected}, got ${show(input)}`);
        let total = 0;
        for (const [, amount, unit] of text.matchAll(part)) {
          const factor = unitMs[(unit ?? '').toLowerCase()];
          if (factor === undefined)
            return reject(ctx, input, `unknown duration unit ${show(unit ?? '')} in ${show(input)}`);
          total += Number(amount) * factor;
        }
        return checked(Math.round(total), input, ctx);
      },
      { kind: 'duration', hint: 'duration like 15m, 30s or 1h30m' },
    ),
  );
}

function checked(ms: number, input: string, ctx: Ctx): number {
  return Number.isSafeInteger(ms) ? ms : reject(ctx, input, `${show(input)} is too long a duration`);
}
