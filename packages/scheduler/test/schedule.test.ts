/** Parsing schedules: cron with seconds and croner's L, W, #; intervals; dates; bad input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../src/schedule.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const from = Date.parse('2025-01-01T00:00:00Z');

function nextN(schedule: Parameters<typeof parseSchedule>[0], timezone: string, after: number, n: number): string[] {
  const slots = parseSchedule(schedule, timezone);
  const out: string[] = [];
  for (let at = after, i = 0; i < n; i++) {
    const next = slots.next(at);
    if (next === undefined) break;
    out.push(iso(next) as string);
    at = next;
  }
  return out;
}

describe('parseSchedule', () => {
  it('reads a six-field cron with seconds', () => {
    expect(nextN('*/20 * * * * *', 'UTC', from, 3)).toEqual([
      '2025-01-01T00:00:20.000Z',
      '2025-01-01T00:00:40.000Z',
      '2025-01-01T00:01:00.000Z',
    ]);
  });

  it("reads croner's L (last day of month), W (nearest weekday) and # (nth weekday)", () => {
    expect(nextN('0 0 L * *', 'UTC', from, 2)).toEqual(['2025-01-31T00:00:00.000Z', '2025-02-28T00:00:00.000Z']);
    // 2025-02-15 is a Saturday: 15W is Friday the 14th.
    expect(nextN('0 0 15W 2 *', 'UTC', from, 1)).toEqual(['2025-02-14T00:00:00.000Z']);
    expect(nextN('0 0 * * 5#2', 'UTC', from, 2)).toEqual(['2025-01-10T00:00:00.000Z', '2025-02-14T00:00:00.000Z']);
  });

  it('reads a cron in the given timezone', () => {
    // 09:00 in Tokyo is 00:00 UTC; a slot exactly at the reference is not "next".
    expect(nextN('0 9 * * *', 'Asia/Tokyo', from, 2)).toEqual(['2025-01-02T00:00:00.000Z', '2025-01-03T00:00:00.000Z']);
  });

  it('reads nicknames', () => {
    expect(nextN('@hourly', 'UTC', from + 1, 1)).toEqual(['2025-01-01T01:00:00.000Z']);
  });

  it('reads an interval as slots on whole multiples since the epoch, the same on every instance', () => {
    const slots = parseSchedule('5m', 'UTC');
    expect(slots.kind).toBe('interval');
    expect(iso(slots.next(from + 61_000))).toBe('2025-01-01T00:05:00.000Z');
    expect(iso(slots.previous(from + 299_999))).toBe('2025-01-01T00:00:00.000Z');
    expect(parseSchedule(90_000, 'UTC').next(0)).toBe(90_000);
  });

  it('previous() includes a slot exactly at the reference; next() is strictly after', () => {
    for (const schedule of ['0 * * * *', '1h']) {
      const slots = parseSchedule(schedule, 'UTC');
      expect(slots.previous(from)).toBe(from);
      expect(slots.next(from)).toBe(from + 3_600_000);
    }
  });

  it('between() gives the latest slots of a range, oldest first, at most max', () => {
    const slots = parseSchedule('0 * * * *', 'UTC');
    const hour = 3_600_000;
    expect(slots.between(from, from + 5 * hour, 3).map(iso)).toEqual([
      '2025-01-01T03:00:00.000Z',
      '2025-01-01T04:00:00.000Z',
      '2025-01-01T05:00:00.000Z',
    ]);
    expect(slots.between(from, from + hour - 1, 3)).toEqual([]);
  });

  it('reads a Date as one slot', () => {
    const slots = parseSchedule(new Date('2025-06-01T12:00:00Z'), 'UTC');
    expect(slots.kind).toBe('once');
    expect(iso(slots.next(from))).toBe('2025-06-01T12:00:00.000Z');
    expect(slots.next(Date.parse('2025-06-01T12:00:00Z'))).toBeUndefined();
  });

  it.each([
    ['a cron with a bad field', '61 * * * *'],
    ['seven fields', '* * * * * * *'],
    ['a duration with an unknown unit', '5mins'],
    ['an empty string', ''],
    ['a zero interval', 0],
    ['an invalid date', new Date('nope')],
    ['an object', {}],
  ])('rejects %s with ERR_SCHEDULER_INVALID_SCHEDULE', (_name, schedule) => {
    expect(() => parseSchedule(schedule, 'UTC')).toThrow(
      expect.objectContaining({ code: 'ERR_SCHEDULER_INVALID_SCHEDULE' }),
    );
  });

  it('every interval slot is a whole multiple of the interval, and next() is strictly after (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400_000 }), fc.integer({ min: 0, max: 2 ** 42 }), (every, at) => {
        const slots = parseSchedule(every, 'UTC');
        const next = slots.next(at) as number;
        const previous = slots.previous(at) as number;
        return next % every === 0 && next > at && next - every <= at && previous <= at && previous + every > at;
      }),
    );
  });
});
