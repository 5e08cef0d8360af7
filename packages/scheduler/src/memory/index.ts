/**
 * `memoryCoordinator()`: the coordinator of one process, and the default. Several schedulers given the same
 * instance coordinate as separate processes would through Postgres or Redis, which is how the conformance suite
 * and the policy tests exercise the contract on the test clock.
 */
import { type Clock, clockOption, type Duration } from '../../../../internal/src/index.ts';
import type {
  ClaimRequest,
  ClaimResult,
  Coordinator,
  JobState,
  JobStatus,
  PendingSlot,
  RunOutcome,
  RunRecord,
  RunRef,
} from '../coordinator.ts';
import { check, invalidOption } from '../errors.ts';

/** Options of {@link memoryCoordinator}. */
export interface MemoryCoordinatorOptions {
  /** The clock that judges leases (tests pass the test clock). @default the system clock */
  clock?: Clock;
  /** How long ended runs are kept, which bounds how far back catch-up may reach. @default '7d' */
  retention?: Duration;
  /** Ended runs kept per job for `history()` (a ring buffer). @default 100 */
  historySize?: number;
}

interface Row {
  slotId: string;
  slot: number;
  manual: boolean;
  status: 'running' | 'buffered' | RunOutcome;
  runId: string;
  owner: string;
  attempt: number;
  leaseUntil: number;
  cancel: boolean;
  startedAt: number;
  endedAt: number | undefined;
  error: string | undefined;
}

interface Job extends JobState {
  definition: Record<string, unknown>;
  rows: Map<string, Row>;
  history: RunRecord[];
}

/** A coordinator in this process's memory: exactly once per slot among the schedulers that share it. */
export function memoryCoordinator(options: MemoryCoordinatorOptions = {}): Coordinator {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const clock = clockOption(options.clock, invalidOption);
  const retention = check.duration(options.retention, 'retention', { default: 7 * 86_400_000, positive: true });
  const historySize = check.number(options.historySize, 'historySize', { default: 100, min: 1, integer: true });
  const jobs = new Map<string, Job>();

  const live = (job: Job, now: number) =>
    [...job.rows.values()].filter((row) => row.status === 'running' && row.leaseUntil > now);
  const record = (job: string, row: Row): RunRecord => {
    const endedAt = row.endedAt ?? row.startedAt;
    return {
      job,
      slot: row.slot,
      manual: row.manual,
      runId: row.runId,
      attempt: row.attempt,
      outcome: row.status as RunOutcome,
      startedAt: row.startedAt,
      endedAt,
      durationMs: endedAt - row.startedAt,
      ...(row.error === undefined ? {} : { error: row.error }),
      owner: row.owner,
    };
  };
  const end = (name: string, job: Job, row: Row, outcome: RunOutcome, now: number, error?: string) => {
    row.status = outcome;
    row.endedAt = now;
    row.error = error;
    job.history.push(record(name, row));
    if (job.history.length > historySize) job.history.shift();
    for (const [slotId, old] of job.rows) {
      if (old.endedAt !== undefined && old.endedAt < now - retention) job.rows.delete(slotId);
    }
  };
  const held = (ref: RunRef) => {
    const row = jobs.get(ref.job)?.rows.get(ref.slotId);
    return row?.status === 'running' && row.runId === ref.runId && row.owner === ref.owner ? row : undefined;
  };

  return {
    kind: 'memory',
    retention,
    async register(name, definition) {
      const now = clock.now();
      let job = jobs.get(name);
      if (job === undefined) {
        job = {
          definition,
          knownSince: now,
          lastSlot: undefined,
          paused: false,
          enabled: true,
          rows: new Map(),
          history: [],
        };
        jobs.set(name, job);
      }
      job.definition = definition;
      return { knownSince: job.knownSince, lastSlot: job.lastSlot, paused: job.paused, enabled: job.enabled };
    },
    async unregister(name) {
      jobs.delete(name);
    },
    async control(name, flags) {
      const job = jobs.get(name);
      if (job === undefined) return false;
      if (flags.paused !== undefined) job.paused = flags.paused;
      if (flags.enabled !== undefined) job.enabled = flags.enabled;
      return true;
    },
    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const now = clock.now();
      const job = jobs.get(request.job);
      if (job === undefined) return { status: 'unknown' };
      if (!job.enabled) return { status: 'disabled' };
      const existing = job.rows.get(request.slotId);
      if (existing !== undefined) {
        if (existing.status !== 'running' || existing.leaseUntil > now) return { status: 'taken' };
        // A lapsed lease: the owner died or stalled. The run is taken over, and that counts as a retry.
        Object.assign(existing, {
          runId: request.runId,
          owner: request.owner,
          leaseUntil: now + request.lease,
          cancel: false,
        });
        existing.attempt += 1;
        return { status: 'claimed', attempt: existing.attempt, startedAt: existing.startedAt, cancelled: [] };
      }
      if (job.paused && !request.manual) return { status: 'paused' };
      if (!request.manual) job.lastSlot = Math.max(job.lastSlot ?? request.slot, request.slot);
      const row: Row = {
        slotId: request.slotId,
        slot: request.slot,
        manual: request.manual,
        status: 'running',
        runId: request.runId,
        owner: request.owner,
        attempt: 1,
        leaseUntil: now + request.lease,
        cancel: false,
        startedAt: now,
        endedAt: undefined,
        error: undefined,
      };
      const going = live(job, now);
      const waiting = [...job.rows.values()].filter((r) => r.status === 'buffered');
      const policy = request.overlap;
      const busy = going.length > 0 || (waiting.length > 0 && policy.startsWith('buffer'));
      if (busy && policy === 'skip') {
        job.rows.set(row.slotId, row);
        end(request.job, job, row, 'skipped', now);
        return { status: 'skipped' };
      }
      if (busy && (policy === 'buffer-one' || policy === 'buffer-all')) {
        job.rows.set(row.slotId, row);
        if (policy === 'buffer-one' && waiting.length > 0) {
          end(request.job, job, row, 'skipped', now);
          return { status: 'skipped' };
        }
        row.status = 'buffered';
        return { status: 'buffered' };
      }
      const cancelled: string[] = [];
      if (policy === 'cancel-other') {
        for (const other of going) {
          other.cancel = true;
          cancelled.push(other.slotId);
        }
      }
      job.rows.set(row.slotId, row);
      return { status: 'claimed', attempt: 1, startedAt: now, cancelled };
    },
    async renew(run) {
      const row = held(run);
      if (row === undefined) return 'lost';
      row.leaseUntil = clock.now() + run.lease;
      row.attempt = run.attempt;
      return row.cancel ? 'cancelled' : 'ok';
    },
    async complete(run) {
      const row = held(run);
      const job = jobs.get(run.job);
      if (row === undefined || job === undefined) return false;
      row.attempt = run.attempt;
      end(run.job, job, row, run.outcome, clock.now(), run.error);
      return true;
    },
    async release(run) {
      const row = held(run);
      if (row !== undefined) row.leaseUntil = clock.now();
    },
    async next(request) {
      const now = clock.now();
      const job = jobs.get(request.job);
      if (job === undefined || live(job, now).length > 0) return undefined;
      const oldest = [...job.rows.values()]
        .filter((row) => row.status === 'buffered')
        .sort((a, b) => a.slot - b.slot)[0];
      if (oldest === undefined) return undefined;
      Object.assign(oldest, {
        status: 'running',
        runId: request.runId,
        owner: request.owner,
        leaseUntil: now + request.lease,
        startedAt: now,
      });
      return {
        job: request.job,
        slotId: oldest.slotId,
        slot: oldest.slot,
        manual: oldest.manual,
        attempt: oldest.attempt,
        startedAt: now,
      };
    },
    async orphans(names) {
      const now = clock.now();
      const found: (PendingSlot & { buffered: boolean })[] = [];
      for (const name of names) {
        const job = jobs.get(name);
        if (job === undefined) continue;
        const rows = [...job.rows.values()];
        for (const row of rows) {
          if (row.status === 'running' && row.leaseUntil <= now) {
            found.push({ job: name, slotId: row.slotId, slot: row.slot, manual: row.manual, buffered: false });
          }
        }
        const waiting = rows.filter((row) => row.status === 'buffered').sort((a, b) => a.slot - b.slot)[0];
        if (waiting !== undefined && live(job, now).length === 0) {
          found.push({ job: name, slotId: waiting.slotId, slot: waiting.slot, manual: waiting.manual, buffered: true });
        }
      }
      return found;
    },
    async status(names) {
      const now = clock.now();
      return names.flatMap((name): JobStatus[] => {
        const job = jobs.get(name);
        if (job === undefined) return [];
        return [
          {
            job: name,
            knownSince: job.knownSince,
            lastSlot: job.lastSlot,
            paused: job.paused,
            enabled: job.enabled,
            running: live(job, now).length,
            lastRun: job.history.findLast((run) => run.outcome !== 'skipped'),
          },
        ];
      });
    },
    async history(name, limit) {
      return (jobs.get(name)?.history ?? []).slice(-limit).reverse();
    },
  };
}
