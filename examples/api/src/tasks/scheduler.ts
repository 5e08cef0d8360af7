/**
 * The scheduler the tasks run on, with the coordinator the config gives: PostgreSQL when DATABASE_URL is set
 * (its tables migrated here, safe from several processes at once), Redis when only REDIS_URL is, else memory
 * (one process: the API in embedded mode). The same choice in the API and the worker makes them share one
 * coordinator, so each slot runs once across all of them.
 */
import {
  type Clock,
  type Coordinator,
  createScheduler,
  type Logger,
  memoryCoordinator,
  type Scheduler,
} from '@infra/scheduler';
import { migrate, postgresCoordinator } from '@infra/scheduler/postgres';
import { redisCoordinator } from '@infra/scheduler/redis';
import type { Redis } from 'ioredis';
import { migrateTasks } from './migrate.ts';
import { memoryOutbox, type Outbox, postgresOutbox } from './outbox.ts';
import { memoryTaskState, postgresTaskState, type TaskDb, type TaskState } from './state.ts';

export type CoordinatorKind = 'postgres' | 'redis' | 'memory';

export interface TaskSchedulerDeps {
  /** The app's pool (DATABASE_URL) and the schema of its tables. */
  db?: TaskDb | undefined;
  /** The app's Redis client (REDIS_URL). */
  redis?: Redis | undefined;
  /** Prefix of the coordinator's keys on Redis. @default 'example-api:' */
  redisPrefix?: string;
  /** This process's id in the run history. @default the scheduler's (host and pid) */
  instanceId?: string;
  logger?: Logger | undefined;
  clock?: Clock;
}

export interface TaskScheduler {
  scheduler: Scheduler;
  coordinator: CoordinatorKind;
}

export async function createTaskScheduler(deps: TaskSchedulerDeps): Promise<TaskScheduler> {
  let coordinator: CoordinatorKind;
  let chosen: Coordinator;
  if (deps.db) {
    await migrate({ pool: deps.db.pool, schema: deps.db.schema });
    chosen = postgresCoordinator({ pool: deps.db.pool, schema: deps.db.schema });
    coordinator = 'postgres';
  } else if (deps.redis) {
    chosen = redisCoordinator({ client: deps.redis, prefix: `${deps.redisPrefix ?? 'example-api:'}scheduler:` });
    coordinator = 'redis';
  } else {
    chosen = memoryCoordinator();
    coordinator = 'memory';
  }
  const scheduler = createScheduler({
    coordinator: chosen,
    timezone: 'UTC',
    ...(deps.instanceId ? { instanceId: deps.instanceId } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  return { scheduler, coordinator };
}

/** The tasks' state and the mail outbox: tables in `db` (migrated here), or memory. */
export async function createTaskStores(
  db: TaskDb | undefined,
  now?: () => number,
): Promise<{ state: TaskState; outbox: Outbox }> {
  if (db === undefined) return { state: memoryTaskState(), outbox: memoryOutbox(now) };
  await migrateTasks(db);
  return { state: postgresTaskState(db), outbox: postgresOutbox(db) };
}
