/**
 * The worker, built from the API's own config and modules: the same backends (`createServices`: the pool,
 * the Redis client, the cache on the same prefix and bus, health checks), the same mailer and idempotency
 * records, and the scheduled tasks on the coordinator both processes share. Its HTTP server answers only the
 * health endpoints.
 */
import { hostname } from 'node:os';
import type { Config } from '../../api/src/config.ts';
import type { Logger } from '../../api/src/logger.ts';
import { createAppMailer } from '../../api/src/mail/index.ts';
import { listen, type RunningServer } from '../../api/src/server.ts';
import { createServices, type ServiceInfo, type Services } from '../../api/src/services.ts';
import { type RunningTasks, startTasks } from '../../api/src/tasks/index.ts';

export interface Worker {
  services: Services;
  tasks: RunningTasks;
  /** The health endpoint's server (`/health/live`, `/health/ready`, `/health`). */
  server: RunningServer;
  instance: string;
}

export interface WorkerOptions {
  logger?: Logger;
  /** This process in the run history. @default `worker-<host>-<pid>` */
  instance?: string;
}

/** Starts the worker. What it opened is in `services.closers`, to be closed in reverse order. */
export async function startWorker(config: Config, info: ServiceInfo, options: WorkerOptions = {}): Promise<Worker> {
  const { logger } = options;
  const log = logger ? { logger } : {};
  const instance = options.instance ?? `worker-${hostname()}-${process.pid}`;
  const services = await createServices(config, info, log);
  try {
    // The API's prefix for the mailer's records, so a mail the API sent and the worker retries is sent once.
    const mail = createAppMailer(config, {
      ...(services.redis ? { redis: services.redis } : {}),
      redisPrefix: `${services.redisPrefix}mail:`,
      ...log,
    });
    services.closers.push({ name: 'mail', close: () => mail.mailer.close() });
    const tasks = await startTasks(config, { services, mailer: mail.mailer, instance, critical: true, ...log });
    // Closed first at shutdown (closers run in reverse): no run starts after, running ones get to finish.
    services.closers.push({ name: 'scheduler', close: () => tasks.scheduler.close() });
    const server = await listen(services.health.listener, { port: config.WORKER_PORT, host: config.HOST, ...log });
    return { services, tasks, server, instance };
  } catch (error) {
    for (const { close } of [...services.closers].reverse()) await close().catch(() => {});
    throw error;
  }
}
