/**
 * The example's worker: `node examples/worker/src/main.ts` (or `pnpm start:worker`). Reads the API's config
 * (same variables, same .env files), runs the scheduled tasks and sends queued mail; with DATABASE_URL the
 * scheduler coordinates through PostgreSQL (migrated at start), else through Redis with REDIS_URL, else in
 * memory. Health on WORKER_PORT. On SIGTERM or SIGINT readiness fails, the scheduler stops starting runs and
 * lets running ones finish, then the mailer, cache, Redis and Postgres close, and the process exits 0.
 */
import { readFileSync } from 'node:fs';
import { EnvError } from '@infra/env';
import { createShutdown } from '@infra/health';
import { schedulerShutdownHook } from '@infra/scheduler';
import { type Config, loadConfig } from '../../api/src/config.ts';
import { createLogger } from '../../api/src/logger.ts';
import { listenProblem } from '../../api/src/server.ts';
import { startWorker, type Worker } from './worker.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message); // every missing and invalid variable; never a secret's value
  process.exit(1);
}

const logger = createLogger({ level: config.LOG_LEVEL });
let worker: Worker;
try {
  worker = await startWorker(config, { name: pkg.name, version: pkg.version }, { logger });
} catch (error) {
  const problem = listenProblem(error, { port: config.WORKER_PORT, host: config.HOST });
  if (problem === undefined) throw error;
  console.error(`${pkg.name}: ${problem.replace('set PORT', 'set WORKER_PORT')}`);
  process.exit(1);
}

const { services, tasks, server } = worker;
const shutdown = createShutdown({
  servers: [server.server],
  health: services.health,
  readinessDelay: config.READINESS_DELAY,
  drainTimeout: config.SHUTDOWN_DRAIN_TIMEOUT,
  logger,
});
// Hooks run in reverse order of adding. The scheduler's goes last, so it runs first: no run starts once the
// shutdown began, and a running one finishes (or is aborted after its close timeout) before the mailer,
// the cache and the connections it uses close.
for (const { name, close } of services.closers) {
  if (name !== 'scheduler') shutdown.add(name, close, { timeout: '5s' });
}
shutdown.add('scheduler', schedulerShutdownHook(tasks.scheduler), { timeout: '35s' });

logger.info(
  { url: server.url, instance: worker.instance, coordinator: tasks.coordinator, tasks: tasks.tasks },
  `worker running ${tasks.tasks.length} tasks (${tasks.coordinator} coordinator); health on ${server.url}/health`,
);
