/**
 * The example service: `pnpm start` or `bash scripts/start.sh`. Config from the environment and the
 * .env files of the working directory (@infra/env); in-process cache and rate limits unless REDIS_URL
 * is set; probes under /health; on SIGTERM or SIGINT readiness fails first, the server drains, then
 * Redis/Postgres/cache close (@infra/health), and the process exits 0.
 * What cannot start (a bad config, a port in use) ends in one line on stderr and exit 1.
 */
import { readFileSync } from 'node:fs';
import { EnvError } from '@infra/env';
import { createShutdown } from '@infra/health';
import { createCatalog } from './catalog.ts';
import { composeService } from './compose.ts';
import { type Config, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { listen, listenProblem, type RunningServer } from './server.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message); // lists every missing and invalid variable; never a secret's value
  process.exit(1);
}

const logger = createLogger({ level: config.LOG_LEVEL });
const info = { name: pkg.name, version: pkg.version };
const { services, handler } = await composeService(config, info, { catalog: createCatalog(), logger });
const where = { port: config.PORT, host: config.HOST };
let running: RunningServer;
try {
  running = await listen(handler, { ...where, logger });
} catch (error) {
  const problem = listenProblem(error, where);
  if (problem === undefined) throw error;
  console.error(`${pkg.name}: ${problem}`);
  for (const { close } of [...services.closers].reverse()) await close().catch(() => {});
  process.exit(1);
}
const shutdown = createShutdown({
  servers: [running.server],
  health: services.health,
  readinessDelay: config.READINESS_DELAY,
  drainTimeout: config.SHUTDOWN_DRAIN_TIMEOUT,
  logger,
});
// Hooks run in reverse order of adding: the last-created resource closes first.
for (const { name, close } of services.closers) shutdown.add(name, close, { timeout: '5s' });

// Last: until the signal listeners above exist, SIGTERM would kill the process outright (the default action),
// so a supervisor that signals as soon as it reads this line must find them in place.
const { cache, rateLimit } = services.backends;
logger.info(
  { bound: running.bound, url: running.url, cache, rateLimit },
  running.bound === running.url
    ? `listening on ${running.bound}`
    : `listening on ${running.bound} (from this machine: ${running.url})`,
);
