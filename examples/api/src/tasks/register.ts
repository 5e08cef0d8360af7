/**
 * `registerTasks(scheduler, deps)`: the service's scheduled tasks on a scheduler. The worker calls it; so does
 * the API in embedded mode (no DATABASE_URL/REDIS_URL), running them in-process. Every instance that registers
 * them with one shared coordinator runs each slot once between them.
 */
import type { Cache } from '@infra/cache';
import type { Health } from '@infra/health';
import type { Mailer } from '@infra/mail';
import type { JobOptions, Logger, RunContext, Schedule, Scheduler } from '@infra/scheduler';
import type { AppTemplates } from '../mail/index.ts';
import { cleanupCache } from './cache-cleanup.ts';
import { takeHealthSnapshot } from './health-snapshot.ts';
import { runMaintenance } from './maintenance.ts';
import { aggregateMetrics } from './metrics-aggregation.ts';
import type { Outbox } from './outbox.ts';
import { sendQueuedMail } from './send-queued-mail.ts';
import type { TaskDb, TaskState } from './state.ts';
import { cleanupExpiredTokens } from './token-cleanup.ts';

export const taskNames = [
  'auth-token-cleanup',
  'health-snapshot',
  'cache-cleanup',
  'metrics-aggregation',
  'weekly-maintenance',
  'send-queued-mail',
] as const;

export type TaskName = (typeof taskNames)[number];

/** When each task runs (cron in UTC, or an interval). */
export const defaultSchedules: Readonly<Record<TaskName, Schedule>> = {
  'auth-token-cleanup': '0 * * * *',
  'health-snapshot': '*/5 * * * *',
  'cache-cleanup': '0 */6 * * *',
  // At :05, after the hour's cleanup, over the hour before.
  'metrics-aggregation': '5 * * * *',
  'weekly-maintenance': '0 3 * * 0',
  'send-queued-mail': '10s',
};

const jobOptions: Readonly<Record<TaskName, JobOptions>> = {
  'auth-token-cleanup': { maxAttempts: 3, timeout: '5m' },
  // A snapshot of the past is worth nothing: a missed one is not caught up.
  'health-snapshot': { timeout: '30s', catchup: 'none' },
  'cache-cleanup': { timeout: '1m' },
  // Every missed hour gets its row (the window is the hour before each slot).
  'metrics-aggregation': { maxAttempts: 3, timeout: '5m', catchup: 'all', catchupWindow: '12h', maxCatchup: 12 },
  'weekly-maintenance': { timeout: '30m', catchupWindow: '12h' },
  'send-queued-mail': { timeout: '2m', catchup: 'none' },
};

export interface TaskDeps {
  /** This process, as recorded with what it did ("worker-1234"). */
  instance: string;
  state: TaskState;
  outbox: Outbox;
  /** With DATABASE_URL: the auth tables to clean and the tables to vacuum. */
  db?: TaskDb | undefined;
  health?: Pick<Health, 'check'> | undefined;
  cache?: Cache | undefined;
  /** The cache namespaces `cache-cleanup` clears. @default ['products'] */
  cacheNamespaces?: readonly string[];
  mailer?: Mailer<AppTemplates> | undefined;
  /** @default Date.now */
  now?: () => number;
  logger?: Logger | undefined;
}

export interface RegisterTasksOptions {
  /** Other schedules (tests run them every second). @default defaultSchedules */
  schedules?: Partial<Record<TaskName, Schedule>>;
  /** The window `metrics-aggregation` rolls up. @default 1 h */
  metricsWindow?: number;
}

/** Registers every task whose dependencies are there; returns the names registered. */
export async function registerTasks(
  scheduler: Scheduler,
  deps: TaskDeps,
  options: RegisterTasksOptions = {},
): Promise<TaskName[]> {
  const now = deps.now ?? Date.now;
  const unknown = Object.keys(options.schedules ?? {}).filter((name) => !taskNames.includes(name as TaskName));
  if (unknown.length > 0) {
    throw new Error(`registerTasks: no task is named ${unknown.join(', ')} (the tasks: ${taskNames.join(', ')})`);
  }
  const handlers: Record<TaskName, ((ctx: RunContext) => Promise<void>) | undefined> = {
    'auth-token-cleanup': async ({ logger }) => {
      const result = await cleanupExpiredTokens(deps.db);
      logger.info({ result }, 'task: expired tokens and sessions cleaned');
    },
    'health-snapshot':
      deps.health &&
      (async ({ slot, logger }) => {
        const { snapshot, changedFrom } = await takeHealthSnapshot(deps.health as Pick<Health, 'check'>, deps.state, {
          slot,
          instance: deps.instance,
        });
        if (changedFrom === undefined) logger.info({ snapshot }, 'task: health snapshot');
        else logger.warn({ snapshot, changedFrom }, `task: health went from ${changedFrom} to ${snapshot.status}`);
      }),
    'cache-cleanup':
      deps.cache &&
      (async ({ logger }) => {
        const result = await cleanupCache(deps.cache as Cache, deps.cacheNamespaces ?? ['products']);
        logger.info({ result }, result.skipped ? 'task: cache cleanup skipped (Redis down)' : 'task: cache cleared');
      }),
    'metrics-aggregation': async ({ slot, logger }) => {
      const row = await aggregateMetrics(
        { scheduler, state: deps.state, outbox: deps.outbox, cache: deps.cache },
        { slot, instance: deps.instance, windowMs: options.metricsWindow ?? 60 * 60_000 },
      );
      const failing = Object.entries(row.jobs).filter(([, m]) => m.failed > 0);
      if (failing.length === 0) logger.info({ jobs: row.jobs }, 'task: metrics aggregated');
      else logger.warn({ failing: Object.fromEntries(failing) }, 'task: metrics aggregated; some jobs failed');
    },
    'weekly-maintenance': async ({ logger }) => {
      const result = await runMaintenance(deps, { now: now() });
      logger.info({ result }, 'task: weekly maintenance done');
    },
    'send-queued-mail':
      deps.mailer &&
      (async ({ signal, logger }) => {
        const result = await sendQueuedMail(deps.mailer as Mailer<AppTemplates>, deps.outbox, { signal });
        if (result.sent + result.retrying + result.failed + result.unknown > 0) {
          logger.info({ result }, 'task: queued mail sent');
        }
      }),
  };
  const registered: TaskName[] = [];
  for (const name of taskNames) {
    const handler = handlers[name];
    if (handler === undefined) {
      deps.logger?.info({ task: name }, 'task: not registered (its dependency is not configured)');
      continue;
    }
    await scheduler.add(name, options.schedules?.[name] ?? defaultSchedules[name], handler, jobOptions[name]);
    registered.push(name);
  }
  return registered;
}
