export type { Clock, Duration, Logger } from '../../../internal/src/index.ts';
export { schedulerChannels } from './channels.ts';
export {
  type SchedulerCheckOptions,
  type SchedulerCheckResult,
  type SchedulerHealthCheck,
  schedulerCheck,
  schedulerShutdownHook,
} from './check.ts';
export type {
  ClaimRequest,
  ClaimResult,
  Coordinator,
  JobState,
  JobStatus,
  OverlapPolicy,
  PendingSlot,
  RunOutcome,
  RunRecord,
  RunRef,
} from './coordinator.ts';
export { SchedulerError, type SchedulerErrorCode } from './errors.ts';
export { type MemoryCoordinatorOptions, memoryCoordinator } from './memory/index.ts';
export type { BackoffOptions, CatchupPolicy, JobOptions } from './options.ts';
export type { JobHandler, RunContext } from './run.ts';
export type { Schedule } from './schedule.ts';
export {
  createScheduler,
  type JobInfo,
  type Scheduler,
  type SchedulerOptions,
  type SchedulerStats,
  type StuckRun,
  type TriggerResult,
} from './scheduler.ts';
