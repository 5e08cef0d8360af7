/** The scheduled tasks: plain functions, `registerTasks(scheduler, deps)`, and the scheduler and stores they use. */
export { type CacheCleanupResult, cleanupCache } from './cache-cleanup.ts';
export { type HealthSnapshotResult, takeHealthSnapshot } from './health-snapshot.ts';
export { type MaintenanceResult, runMaintenance } from './maintenance.ts';
export { aggregateMetrics, jobMetrics, percentile } from './metrics-aggregation.ts';
export { migrateTasks } from './migrate.ts';
export {
  memoryOutbox,
  type Outbox,
  type OutboxEntry,
  type OutboxStatus,
  postgresOutbox,
  type QueuedMail,
} from './outbox.ts';
export {
  defaultSchedules,
  type RegisterTasksOptions,
  registerTasks,
  type TaskDeps,
  type TaskName,
  taskNames,
} from './register.ts';
export {
  type CoordinatorKind,
  createTaskScheduler,
  createTaskStores,
  type TaskScheduler,
  type TaskSchedulerDeps,
} from './scheduler.ts';
export { retryDelay, type SendQueuedResult, sendQueuedMail } from './send-queued-mail.ts';
export { type RunningTasks, type StartTasksDeps, startTasks } from './start.ts';
export {
  type HealthSnapshot,
  type JobMetrics,
  type MetricsRow,
  memoryTaskState,
  postgresTaskState,
  type TaskDb,
  type TaskState,
} from './state.ts';
export { cleanupExpiredTokens, type TokenCleanupResult } from './token-cleanup.ts';
