/**
 * The coordinator contract: what several scheduler instances share so that each (job, slot) runs exactly once.
 * Every decision is one atomic step on the coordinator, judged by the coordinator's clock (the database's,
 * Redis', or the memory coordinator's), never by an instance's. `memoryCoordinator`, `postgresCoordinator` and
 * `redisCoordinator` implement it and pass one conformance suite.
 */

/** How a new slot treats a run of the same job still going, named as Temporal's schedules name them. */
export type OverlapPolicy = 'skip' | 'buffer-one' | 'buffer-all' | 'cancel-other' | 'allow-all';

/** How a run ended, as history records it. */
export type RunOutcome = 'succeeded' | 'failed' | 'skipped' | 'aborted';

/** One run (or skipped slot) in the history. Times are the coordinator's, in ms since the epoch. */
export interface RunRecord {
  job: string;
  /** The scheduled time (for a `trigger`, when it was triggered). */
  slot: number;
  /** Whether `trigger` started it rather than the schedule. */
  manual: boolean;
  runId: string;
  /** The attempt that ended it (takeovers and retries count). */
  attempt: number;
  outcome: RunOutcome;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  /** The last attempt's error message, for `failed` and `aborted`. */
  error?: string;
  /** The instance that ended it. */
  owner: string;
}

/** What `claim` asks for: one (job, slot) for one instance. */
export interface ClaimRequest {
  job: string;
  /** The slot's key: the slot's ms for scheduled slots, `m-<runId>` for triggers. */
  slotId: string;
  /** The scheduled time, ms since the epoch. */
  slot: number;
  manual: boolean;
  runId: string;
  /** The claiming instance. */
  owner: string;
  /** How long the claim holds without a renewal, in ms. */
  lease: number;
  overlap: OverlapPolicy;
}

/** What `claim` decided. */
export type ClaimResult =
  /** This instance runs it; `attempt` is above 1 when it took over a run whose lease lapsed. */
  | { status: 'claimed'; attempt: number; startedAt: number; cancelled: string[] }
  /** Another instance has (or had) this slot. */
  | { status: 'taken' }
  /** A run of the job was going: recorded as skipped (`skip`, or `buffer-one` with one already waiting). */
  | { status: 'skipped' }
  /** A run of the job was going: the slot waits for it (`buffer-one`, `buffer-all`); `next` hands it out. */
  | { status: 'buffered' }
  /** The job is paused (scheduled slots only; a trigger still runs). */
  | { status: 'paused' }
  /** The job is disabled. */
  | { status: 'disabled' }
  /** The job is not registered (another instance removed it). */
  | { status: 'unknown' };

/** A slot handed out by `next` (a buffered one) or found by `orphans`. */
export interface PendingSlot {
  job: string;
  slotId: string;
  slot: number;
  manual: boolean;
}

/** What `register` returns: the job's shared state. */
export interface JobState {
  /** When any instance first registered the job (coordinator clock). */
  knownSince: number;
  /** The latest scheduled slot any instance claimed, or `undefined`. */
  lastSlot: number | undefined;
  paused: boolean;
  enabled: boolean;
}

/** A job's shared state with what `list()` shows. */
export interface JobStatus extends JobState {
  job: string;
  /** Runs going on any instance (lease not lapsed). */
  running: number;
  /** The latest ended run, if any. */
  lastRun: RunRecord | undefined;
}

/** The shared part of a scheduler: claims, leases, control flags and history. */
export interface Coordinator {
  /** A short name for logs and errors (`'memory'`, `'postgres'`, `'redis'`). */
  readonly kind: string;
  /** How long ended runs are kept (and so how far back a slot is known to have run), in ms. */
  readonly retention: number;
  /** Upserts a job's definition by name; keeps its control flags and `knownSince`. */
  register(job: string, definition: Record<string, unknown>): Promise<JobState>;
  /** Removes the job: definition, flags, claims and history. */
  unregister(job: string): Promise<void>;
  /** Sets the job's shared flags; `false` when the job is not registered. */
  control(job: string, flags: { paused?: boolean; enabled?: boolean }): Promise<boolean>;
  /** Claims one (job, slot), applying the overlap policy against runs going on any instance. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Extends a claimed run's lease and records its attempt: `'lost'` when another instance took it over. */
  renew(run: RunRef & { lease: number; attempt: number }): Promise<'ok' | 'lost' | 'cancelled'>;
  /** Ends a claimed run; `false` when this instance no longer holds it. */
  complete(
    run: RunRef & { outcome: Exclude<RunOutcome, 'skipped'>; attempt: number; error?: string },
  ): Promise<boolean>;
  /** Lets a claimed run's lease lapse now, so another instance takes it over as a retry. */
  release(run: RunRef): Promise<void>;
  /** Claims the oldest buffered slot of `job` when no run of it is going; `undefined` otherwise. */
  next(request: {
    job: string;
    runId: string;
    owner: string;
    lease: number;
  }): Promise<(PendingSlot & { attempt: number; startedAt: number }) | undefined>;
  /** Runs of `jobs` whose lease lapsed (to take over with `claim`), and buffered slots nobody is draining. */
  orphans(jobs: readonly string[]): Promise<(PendingSlot & { buffered: boolean })[]>;
  /** The shared state of each job, in the order asked; unknown jobs are left out. */
  status(jobs: readonly string[]): Promise<JobStatus[]>;
  /** Ended runs of `job`, newest first. */
  history(job: string, limit: number): Promise<RunRecord[]>;
}

/** Names one claimed run. */
export interface RunRef {
  job: string;
  slotId: string;
  runId: string;
  owner: string;
}
