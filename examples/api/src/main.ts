/**
 * The example service: `pnpm start`. Config from the environment and .env files (@infra/env);
 * in-process cache and rate limits unless REDIS_URL is set; probes under /health; on SIGTERM or
 * SIGINT readiness fails first, the server drains, then Redis/Postgres/cache close (@infra/health).
 */
import { readFileSync } from 'node:fs';
import { EnvError } from '@infra/env';
import { createShutdown } from '@infra/health';
import { createApp } from './app.ts';
import { createCatalog } from './catalog.ts';
import { type Config, loadConfig } from './config.ts';
import { listen } from './server.ts';
import { createServices } from './services.ts';

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

const log = (level: string) => (obj: object, msg: string) => console.log(`[${level}] ${msg} ${JSON.stringify(obj)}`);
const logger = { info: log('info'), warn: log('warn'), error: log('error') };

const info = { name: pkg.name, version: pkg.version };
const services = await createServices(config, info, { logger });
const running = await listen(createApp({ info, services, catalog: createCatalog() }), {
  port: config.PORT,
  host: config.HOST,
});
console.log(
  `listening on ${running.url} (cache: ${services.backends.cache}, rate limits: ${services.backends.rateLimit})`,
);

const shutdown = createShutdown({
  servers: [running.server],
  health: services.health,
  readinessDelayMs: config.READINESS_DELAY,
  drainTimeoutMs: config.SHUTDOWN_DRAIN_TIMEOUT,
  logger,
});
// Hooks run in reverse order of adding: the last-created resource closes first.
for (const { name, close } of services.closers) shutdown.add(name, close, { timeoutMs: '5s' });
