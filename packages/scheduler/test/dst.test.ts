/**
 * The DST policy on the real 2025 transition dates, end to end: a scheduler on the test clock runs a cron job
 * across each transition and the test records the slots that ran. A wall-clock time that does not exist runs
 * once at the first instant after the gap; one that exists twice runs once (its first occurrence); a cadence
 * (wildcard hour) keeps its real-time rhythm; intervals ignore DST.
 */
import { describe, expect, it } from 'vitest';
import { harness, recorder } from './support.ts';

const hour = 3_600_000;

/** Runs `schedule` in `timezone` from `start` for `hours` and returns the slots that ran. */
async function slotsRun(schedule: string, timezone: string, start: string, hours: number): Promise<string[]> {
  const h = harness(start);
  const scheduler = h.scheduler({ timezone });
  const job = recorder(h.clock);
  await scheduler.add('dst', schedule, job.handler, { catchup: 'none' });
  await h.clock.advanceAsync(hours * hour);
  return job.slots();
}

describe('DST: a wall-clock time in the spring-forward gap runs once, at the first instant after it', () => {
  it.each([
    // zone, day before, 02:30 local on the day of the gap becomes 03:00 local (the first instant after it)
    [
      'Europe/Vienna',
      '2025-03-29T00:00:00Z',
      ['2025-03-29T01:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-31T00:30:00.000Z'],
    ],
    [
      'America/Los_Angeles',
      '2025-03-08T00:00:00Z',
      ['2025-03-08T10:30:00.000Z', '2025-03-09T10:00:00.000Z', '2025-03-10T09:30:00.000Z'],
    ],
    // Sydney moves from AEST (+10) to AEDT (+11) at 02:00 local on 2025-10-05 (16:00Z on 10-04).
    [
      'Australia/Sydney',
      '2025-10-03T12:00:00Z',
      ['2025-10-03T16:30:00.000Z', '2025-10-04T16:00:00.000Z', '2025-10-05T15:30:00.000Z'],
    ],
  ])('%s', async (zone, start, expected) => {
    expect(await slotsRun('30 2 * * *', zone, start, 72)).toEqual(expected);
  });
});

describe('DST: a wall-clock time that exists twice on the fall-back day runs once, at its first occurrence', () => {
  it.each([
    // 02:30 local happens at 00:30Z (CEST) and 01:30Z (CET) on 2025-10-26: once, at 00:30Z.
    [
      'Europe/Vienna',
      '30 2 * * *',
      '2025-10-25T00:00:00Z',
      ['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z'],
    ],
    // 01:30 local happens at 08:30Z (PDT) and 09:30Z (PST) on 2025-11-02: once, at 08:30Z.
    [
      'America/Los_Angeles',
      '30 1 * * *',
      '2025-11-01T00:00:00Z',
      ['2025-11-01T08:30:00.000Z', '2025-11-02T08:30:00.000Z', '2025-11-03T09:30:00.000Z'],
    ],
    // 02:30 local happens at 15:30Z (AEDT) and 16:30Z (AEST) on 2025-04-05 UTC (04-06 local): once, at 15:30Z.
    [
      'Australia/Sydney',
      '30 2 * * *',
      '2025-04-04T12:00:00Z',
      ['2025-04-04T15:30:00.000Z', '2025-04-05T15:30:00.000Z', '2025-04-06T16:30:00.000Z'],
    ],
  ])('%s', async (zone, schedule, start, expected) => {
    expect(await slotsRun(schedule, zone, start, 72)).toEqual(expected);
  });
});

describe('DST: a cadence keeps real time', () => {
  it('an hourly cron runs 25 times on the Vienna fall-back day (the repeated hour is a real hour)', async () => {
    const slots = await slotsRun('0 * * * *', 'Europe/Vienna', '2025-10-25T22:00:00Z', 25);
    expect(slots).toHaveLength(25);
    expect(new Set(slots).size).toBe(25);
  });

  it('an hourly cron runs 23 times on the Los Angeles spring-forward day', async () => {
    // Local midnight to midnight on 2025-03-09 is 08:00Z to 07:00Z the next day: 23 real hours.
    const slots = await slotsRun('0 * * * *', 'America/Los_Angeles', '2025-03-09T07:59:59Z', 23);
    expect(slots).toHaveLength(23);
  });
});

describe('DST: interval jobs ignore it', () => {
  it.each([
    ['Europe/Vienna', '2025-10-25T22:00:00Z'],
    ['America/Los_Angeles', '2025-03-09T08:00:00Z'],
    ['Australia/Sydney', '2025-04-05T13:00:00Z'],
  ])('a 1h interval across the %s transition runs every 3 600 000 ms', async (zone, start) => {
    const slots = await slotsRun('1h', zone, start, 24);
    const gaps = slots.slice(1).map((slot, i) => Date.parse(slot) - Date.parse(slots[i] as string));
    expect(slots).toHaveLength(24);
    expect(new Set(gaps)).toEqual(new Set([hour]));
  });
});
