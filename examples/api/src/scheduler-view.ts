/**
 * The scheduled tasks as the API sees them. Embedded (no DATABASE_URL/REDIS_URL, or RUN_TASKS=true) the API
 * runs them itself through the worker's `startTasks`/`registerTasks` and reads its own scheduler's `list()`
 * and `history()`. Otherwise the worker runs them, and the API reads the same coordinator the worker writes
 * (PostgreSQL or Redis): each job's shared state (paused, running count, last run) and its run history.
 */
import { hostname } from 'node:os';
import type { Coordinator, RunRecord } from '@infra/scheduler';
import { migrate, postgresCoordinator } from '@infra/scheduler/postgres';
import { redisCoordinator } from '@infra/scheduler/redis';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { AppMailer } from './mail/index.ts';
import type { Services } from './services.ts';
import { defaultSchedules, startTasks, type TaskName, taskNames } from './tasks/index.ts';

export interface SchedulerJob {
  name: string;
  schedule: string;
  paused: boolean;
  enabled: boolean;
  running: number;
  nextRun?: string | undefined;
  lastRun?: RunRecord | undefined;
}

export interface SchedulerView {
  /** `embedded`: this process runs the tasks; `worker`: another process does, on the shared coordinator. */
  mode: 'embedded' | 'worker';
  coordinator: 'memory' | 'postgres' | 'redis';
  jobs(): Promise<SchedulerJob[]>;
  history(name: string, limit: number): Promise<RunRecord[]>;
}

export async function createSchedulerView(
  config: Config,
  services: Services,
  deps: { mail: AppMailer; logger?: Logger | undefined },
): Promise<SchedulerView> {
  const embedded = config.RUN_TASKS ?? (!config.DATABASE_URL && !config.REDIS_URL);
  const schedules = { ...defaultSchedules, ...(config.TASK_SCHEDULES ?? {}) } as Record<TaskName, unknown>;
  if (embedded) {
    const running = await startTasks(config, {
      services,
      mailer: deps.mail.mailer,
      instance: `api-${hostname()}-${process.pid}`,
      logger: deps.logger,
    });
    const { scheduler } = running;
    services.closers.push({ name: 'scheduler', close: () => scheduler.close() });
    return {
      mode: 'embedded',
      coordinator: running.coordinator,
      async jobs() {
        return (await scheduler.list()).map((job) => ({
          name: job.name,
          schedule: String(job.schedule),
          paused: job.paused,
          enabled: job.enabled,
          running: job.running,
          nextRun: job.nextRun?.toISOString(),
          lastRun: job.lastRun,
        }));
      },
      history: (name, limit) => scheduler.history(name, { limit }),
    };
  }
  let coordinator: Coordinator;
  let kind: SchedulerView['coordinator'];
  if (services.pool) {
    await migrate({ pool: services.pool, schema: config.DATABASE_SCHEMA }); // the worker may not have started yet
    coordinator = postgresCoordinator({ pool: services.pool, schema: config.DATABASE_SCHEMA });
    kind = 'postgres';
  } else if (services.redis) {
    // The worker's prefix (src/tasks/scheduler.ts): the same coordinator keys.
    coordinator = redisCoordinator({ client: services.redis, prefix: `${services.redisPrefix}scheduler:` });
    kind = 'redis';
  } else {
    throw new Error(
      'RUN_TASKS=false needs DATABASE_URL or REDIS_URL: the worker and the API share the coordinator there',
    );
  }
  return {
    mode: 'worker',
    coordinator: kind,
    async jobs() {
      const states = await coordinator.status(taskNames);
      return states.map((state) => ({
        name: state.job,
        schedule: String(schedules[state.job as TaskName] ?? ''),
        paused: state.paused,
        enabled: state.enabled,
        running: state.running,
        lastRun: state.lastRun,
      }));
    },
    history: (name, limit) => coordinator.history(name, limit),
  };
}
