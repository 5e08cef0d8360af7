/**
 * The coordinator conformance suite: one contract, run against memory, PostgreSQL, Redis and the Redis Cluster.
 * `setup` gives several coordinators on one backend (separate connections where there is a server), as
 * separate instances would hold. No test waits for a lease to lapse: `release()` ends a lease now, on the
 * coordinator's own clock, which is the same decision a lapse makes.
 */
import { describe, expect, it } from 'vitest';
import type { ClaimRequest, Coordinator } from '../src/index.ts';

export interface ConformanceSetup {
  /** At least three coordinators sharing one backend. */
  coordinators: Coordinator[];
}

let counter = 0;
const uniqueJob = () => `job-${process.pid}-${Date.now().toString(36)}-${counter++}`;

export function coordinatorConformance(name: string, setup: () => Promise<ConformanceSetup> | ConformanceSetup): void {
  describe(`coordinator conformance: ${name}`, () => {
    const base = Date.UTC(2026, 0, 1);
    const request = (job: string, slot: number, overrides: Partial<ClaimRequest> = {}): ClaimRequest => ({
      job,
      slotId: String(slot),
      slot,
      manual: false,
      runId: `run-${counter++}`,
      owner: 'a',
      lease: 60_000,
      overlap: 'allow-all',
      ...overrides,
    });
    const ready = async () => {
      const { coordinators } = await setup();
      const [a, b, c] = coordinators as [Coordinator, Coordinator, Coordinator];
      const job = uniqueJob();
      await a.register(job, { schedule: '1m' });
      return { a, b, c, job, all: coordinators };
    };

    it('register: a new job is known since now, unpaused, enabled; registering again keeps its state', async () => {
      const { coordinators } = await setup();
      const [a, b] = coordinators as [Coordinator, Coordinator];
      const job = uniqueJob();
      const first = await a.register(job, { schedule: '1m' });
      expect(first).toMatchObject({ lastSlot: undefined, paused: false, enabled: true });
      expect(Math.abs(first.knownSince - Date.now())).toBeLessThan(60_000);
      await a.claim(request(job, base + 60_000));
      await a.control(job, { paused: true });
      const again = await b.register(job, { schedule: '2m' });
      expect(again).toEqual({ knownSince: first.knownSince, lastSlot: base + 60_000, paused: true, enabled: true });
    });

    it('claim: one (job, slot) is claimed once, however many instances ask at the same time', async () => {
      const { all, job } = await ready();
      const slot = base + 60_000;
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => all[i % all.length]?.claim(request(job, slot, { owner: `o${i}` }))),
      );
      const statuses = results.map((r) => r?.status);
      expect(statuses.filter((s) => s === 'claimed')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'taken')).toHaveLength(29);
    });

    it('claim: many slots claimed concurrently by several instances are each claimed once', async () => {
      const { all, job } = await ready();
      const slots = Array.from({ length: 20 }, (_, i) => base + i * 1_000);
      const results = await Promise.all(
        slots.flatMap((slot) => all.map((coordinator, i) => coordinator.claim(request(job, slot, { owner: `o${i}` })))),
      );
      expect(results.filter((r) => r.status === 'claimed')).toHaveLength(slots.length);
    });

    it('claim: the first claim is attempt 1 and records the latest scheduled slot (not a manual one)', async () => {
      const { a, b, job } = await ready();
      const claimed = await a.claim(request(job, base + 120_000));
      expect(claimed).toMatchObject({ status: 'claimed', attempt: 1, cancelled: [] });
      await a.claim(request(job, base + 60_000));
      await a.claim(request(job, base + 999_000, { slotId: 'm-x', manual: true }));
      expect((await b.register(job, {})).lastSlot).toBe(base + 120_000);
    });

    it('claim: an unregistered job is unknown', async () => {
      const { a } = await ready();
      expect(await a.claim(request(uniqueJob(), base))).toEqual({ status: 'unknown' });
    });

    it('control: paused refuses scheduled slots but not manual ones; disabled refuses both; flags are shared', async () => {
      const { a, b, job } = await ready();
      expect(await a.control(job, { paused: true })).toBe(true);
      expect(await b.claim(request(job, base))).toEqual({ status: 'paused' });
      expect((await b.claim(request(job, base, { slotId: 'm-1', manual: true }))).status).toBe('claimed');
      await b.control(job, { paused: false, enabled: false });
      expect(await a.claim(request(job, base + 1))).toEqual({ status: 'disabled' });
      expect(await a.claim(request(job, base + 2, { slotId: 'm-2', manual: true }))).toEqual({ status: 'disabled' });
      await a.control(job, { enabled: true });
      expect((await b.claim(request(job, base + 3))).status).toBe('claimed');
      expect(await a.control(uniqueJob(), { paused: true })).toBe(false);
    });

    it("overlap 'skip': a slot claimed while another run of the job holds its lease is recorded as skipped", async () => {
      const { a, b, job } = await ready();
      await a.claim(request(job, base, { overlap: 'skip' }));
      expect(await b.claim(request(job, base + 60_000, { overlap: 'skip', owner: 'b' }))).toEqual({
        status: 'skipped',
      });
      expect(await a.claim(request(job, base + 60_000, { overlap: 'skip' }))).toEqual({ status: 'taken' });
      const [skipped] = await b.history(job, 5);
      expect(skipped).toMatchObject({ slot: base + 60_000, outcome: 'skipped' });
    });

    it("overlap 'buffer-one': one slot waits, the next is skipped; next() hands the waiting one out once the run ends", async () => {
      const { a, b, job } = await ready();
      const first = request(job, base, { overlap: 'buffer-one' });
      await a.claim(first);
      expect(await b.claim(request(job, base + 60_000, { overlap: 'buffer-one' }))).toEqual({ status: 'buffered' });
      expect(await b.claim(request(job, base + 120_000, { overlap: 'buffer-one' }))).toEqual({ status: 'skipped' });
      expect(await b.next({ job, runId: 'r-next', owner: 'b', lease: 60_000 })).toBeUndefined();
      expect(
        await a.complete({
          job,
          slotId: first.slotId,
          runId: first.runId,
          owner: 'a',
          outcome: 'succeeded',
          attempt: 1,
        }),
      ).toBe(true);
      expect(await b.next({ job, runId: 'r-next', owner: 'b', lease: 60_000 })).toMatchObject({
        job,
        slotId: String(base + 60_000),
        slot: base + 60_000,
        attempt: 1,
      });
      expect(await a.next({ job, runId: 'r-other', owner: 'a', lease: 60_000 })).toBeUndefined();
    });

    it("overlap 'buffer-all': every slot waits and comes out oldest first", async () => {
      const { a, b, job } = await ready();
      const first = request(job, base, { overlap: 'buffer-all' });
      await a.claim(first);
      for (const slot of [base + 120_000, base + 60_000]) {
        expect(await b.claim(request(job, slot, { overlap: 'buffer-all' }))).toEqual({ status: 'buffered' });
      }
      await a.complete({ job, slotId: first.slotId, runId: first.runId, owner: 'a', outcome: 'succeeded', attempt: 1 });
      const second = await b.next({ job, runId: 'r2', owner: 'b', lease: 60_000 });
      expect(second?.slot).toBe(base + 60_000);
      await b.complete({
        job,
        slotId: second?.slotId ?? '',
        runId: 'r2',
        owner: 'b',
        outcome: 'succeeded',
        attempt: 1,
      });
      expect((await a.next({ job, runId: 'r3', owner: 'a', lease: 60_000 }))?.slot).toBe(base + 120_000);
    });

    it("overlap 'cancel-other': the new claim names the runs it cancels, and their owners learn it on renewal", async () => {
      const { a, b, job } = await ready();
      const first = request(job, base, { overlap: 'cancel-other' });
      await a.claim(first);
      const second = await b.claim(request(job, base + 60_000, { overlap: 'cancel-other', owner: 'b' }));
      expect(second).toMatchObject({ status: 'claimed', cancelled: [first.slotId] });
      expect(
        await a.renew({ job, slotId: first.slotId, runId: first.runId, owner: 'a', lease: 60_000, attempt: 1 }),
      ).toBe('cancelled');
    });

    it("overlap 'allow-all': runs overlap", async () => {
      const { a, b, job } = await ready();
      expect((await a.claim(request(job, base))).status).toBe('claimed');
      expect((await b.claim(request(job, base + 60_000, { owner: 'b' }))).status).toBe('claimed');
      const [status] = await a.status([job]);
      expect(status?.running).toBe(2);
    });

    it('renew: the owner keeps its lease; a run id that no longer holds it is told it is lost', async () => {
      const { a, job } = await ready();
      const claim = request(job, base);
      await a.claim(claim);
      const ref = { job, slotId: claim.slotId, runId: claim.runId, owner: 'a' };
      expect(await a.renew({ ...ref, lease: 60_000, attempt: 1 })).toBe('ok');
      expect(await a.renew({ ...ref, runId: 'someone-else', lease: 60_000, attempt: 1 })).toBe('lost');
    });

    it('takeover: a run whose lease lapsed is an orphan; another instance claims it as the next attempt and the old owner has lost it', async () => {
      const { a, b, job } = await ready();
      const claim = request(job, base, { overlap: 'skip' });
      await a.claim(claim);
      const ref = { job, slotId: claim.slotId, runId: claim.runId, owner: 'a' };
      await a.renew({ ...ref, lease: 60_000, attempt: 2 });
      expect(await b.orphans([job])).toEqual([]);
      await a.release(ref);
      expect(await b.orphans([job])).toEqual([
        { job, slotId: claim.slotId, slot: base, manual: false, buffered: false },
      ]);
      // A lapsed run does not count as going: a new slot under 'skip' is not skipped because of it.
      expect((await b.status([job]))[0]?.running).toBe(0);
      const taken = await b.claim(request(job, base, { owner: 'b', runId: 'r-b' }));
      expect(taken).toMatchObject({ status: 'claimed', attempt: 3 });
      expect(await c(a).renew({ ...ref, lease: 60_000, attempt: 2 })).toBe('lost');
      expect(await a.complete({ ...ref, outcome: 'succeeded', attempt: 2 })).toBe(false);
      expect(
        await b.complete({ job, slotId: claim.slotId, runId: 'r-b', owner: 'b', outcome: 'succeeded', attempt: 3 }),
      ).toBe(true);
      const [run] = await a.history(job, 1);
      expect(run).toMatchObject({ owner: 'b', attempt: 3, outcome: 'succeeded' });
    });

    it('orphans: buffered slots nobody drains (their run ended and its owner died before next()) are listed', async () => {
      const { a, b, job } = await ready();
      const first = request(job, base, { overlap: 'buffer-all' });
      await a.claim(first);
      await b.claim(request(job, base + 60_000, { overlap: 'buffer-all' }));
      expect(await b.orphans([job])).toEqual([]);
      await a.complete({
        job,
        slotId: first.slotId,
        runId: first.runId,
        owner: 'a',
        outcome: 'failed',
        attempt: 1,
        error: 'x',
      });
      expect(await b.orphans([job])).toEqual([
        { job, slotId: String(base + 60_000), slot: base + 60_000, manual: false, buffered: true },
      ]);
    });

    it('complete: records start, end, duration, attempt, outcome and error; the slot stays taken; a second complete is refused', async () => {
      const { a, b, job } = await ready();
      const claim = request(job, base);
      await a.claim(claim);
      const ref = { job, slotId: claim.slotId, runId: claim.runId, owner: 'a' };
      expect(await a.complete({ ...ref, outcome: 'failed', attempt: 2, error: 'disk full' })).toBe(true);
      expect(await a.complete({ ...ref, outcome: 'succeeded', attempt: 2 })).toBe(false);
      expect(await b.claim(request(job, base, { owner: 'b' }))).toEqual({ status: 'taken' });
      const [run] = await b.history(job, 10);
      expect(run).toMatchObject({
        job,
        slot: base,
        manual: false,
        runId: claim.runId,
        attempt: 2,
        outcome: 'failed',
        error: 'disk full',
        owner: 'a',
      });
      expect(run?.endedAt).toBeGreaterThanOrEqual(run?.startedAt ?? Number.NaN);
      expect(run?.durationMs).toBe((run?.endedAt ?? 0) - (run?.startedAt ?? 0));
    });

    it('status: flags, running count and the last ended run (skipped slots aside), in the order asked', async () => {
      const { a, b, job } = await ready();
      const other = uniqueJob();
      await a.register(other, {});
      const claim = request(job, base, { overlap: 'skip' });
      await a.claim(claim);
      await a.complete({ job, slotId: claim.slotId, runId: claim.runId, owner: 'a', outcome: 'succeeded', attempt: 1 });
      await a.claim(request(job, base + 60_000, { overlap: 'skip' }));
      await b.claim(request(job, base + 120_000, { overlap: 'skip' }));
      const statuses = await b.status([other, uniqueJob(), job]);
      expect(statuses.map((s) => s.job)).toEqual([other, job]);
      expect(statuses[1]).toMatchObject({
        paused: false,
        enabled: true,
        running: 1,
        lastRun: expect.objectContaining({ slot: base, outcome: 'succeeded' }),
      });
    });

    it('history: newest first, at most the limit', async () => {
      const { a, job } = await ready();
      for (let i = 0; i < 4; i++) {
        const claim = request(job, base + i * 60_000);
        await a.claim(claim);
        await a.complete({
          job,
          slotId: claim.slotId,
          runId: claim.runId,
          owner: 'a',
          outcome: 'succeeded',
          attempt: 1,
        });
      }
      const history = await a.history(job, 3);
      expect(history.map((r) => r.slot)).toEqual([base + 180_000, base + 120_000, base + 60_000]);
    });

    it('unregister: removes the job, its flags, claims and history', async () => {
      const { a, b, job } = await ready();
      const claim = request(job, base);
      await a.claim(claim);
      await a.complete({ job, slotId: claim.slotId, runId: claim.runId, owner: 'a', outcome: 'succeeded', attempt: 1 });
      await b.unregister(job);
      expect(await a.status([job])).toEqual([]);
      expect(await a.history(job, 10)).toEqual([]);
      expect(await a.claim(request(job, base))).toEqual({ status: 'unknown' });
      const again = await a.register(job, {});
      expect(again.lastSlot).toBeUndefined();
    });
  });
}

/** The same coordinator: named so a test reads as "the old owner asks again". */
function c(coordinator: Coordinator): Coordinator {
  return coordinator;
}
