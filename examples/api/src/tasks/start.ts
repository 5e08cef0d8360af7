/**
 * Everything the tasks need, from the config and the app's services, in one call: the task state and outbox
 * (PostgreSQL tables migrated here, or memory), the scheduler on the coordinator the config gives, its health
 * check, and every task registered. The worker calls it; the API does in embedded mode (RUN_TASKS).
 */
import type { Cache } from '@infra/cache';
import type { Health } from '@infra/health';
import type { Mailer } from '@infra/mail';
import { type Logger, type Schedule, type Scheduler, schedulerCheck } from '@infra/scheduler';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { AppTemplates } from '../mail/index.ts';
import type { Outbox } from './outbox.ts';
import { registerTasks, type TaskName } from './register.ts';
import { type CoordinatorKind, createTaskScheduler, createTaskStores } from './scheduler.ts';
import type { TaskDb, TaskState } from './state.ts';

export interface StartTasksDeps {
  /** The app's backends (`createServices`): the pool and Redis client are shared, never closed here. */
  services: { pool: pg.Pool | undefined; redis: Redis | undefined; redisPrefix: string; cache: Cache; health: Health };
  /** Sends the outbox; without it queued mail waits for a process that has one. */
  mailer?: Mailer<AppTemplates> | undefined;
  /** This process in the run history and the task records, e.g. `worker-<host>-<pid>`. */
  instance: string;
  logger?: Logger | undefined;
  /** Whether a failing scheduler check fails readiness (the worker: yes; the API serves without it). @default false */
  critical?: boolean;
}

export interface RunningTasks {
  scheduler: Scheduler;
  coordinator: CoordinatorKind;
  outbox: Outbox;
  state: TaskState;
  tasks: TaskName[];
}

export async function startTasks(
  config: Pick<Config, 'DATABASE_SCHEMA' | 'TASK_SCHEDULES'>,
  deps: StartTasksDeps,
): Promise<RunningTasks> {
  const { services, logger } = deps;
  const db: TaskDb | undefined = services.pool ? { pool: services.pool, schema: config.DATABASE_SCHEMA } : undefined;
  const { state, outbox } = await createTaskStores(db);
  const { scheduler, coordinator } = await createTaskScheduler({
    db,
    redis: services.redis,
    redisPrefix: services.redisPrefix,
    instanceId: deps.instance,
    logger,
  });
  services.health.register('scheduler', schedulerCheck({ scheduler }), {
    probes: ['readiness'],
    critical: deps.critical ?? false,
    componentType: 'component',
  });
  const tasks = await registerTasks(
    scheduler,
    {
      instance: deps.instance,
      state,
      outbox,
      db,
      health: services.health,
      cache: services.cache,
      mailer: deps.mailer,
      logger,
    },
    { schedules: (config.TASK_SCHEDULES ?? {}) as Partial<Record<TaskName, Schedule>> },
  );
  return { scheduler, coordinator, outbox, state, tasks };
}
