/**
 * The whole service from its config: backends (services.ts), auth, mail, uploads, the scheduler, metrics and
 * the system endpoints, wired into one request handler. `main.ts` serves it; the tests build it in-process
 * the same way. Closers run in reverse order of creation, so what was built on a connection closes before it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApp } from './app.ts';
import { type Auth, createAuth } from './auth.ts';
import type { Catalog } from './catalog.ts';
import type { Config } from './config.ts';
import { createGuard } from './guard.ts';
import type { Logger } from './logger.ts';
import { type AppMailer, createAppMailer } from './mail/index.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createNotifier } from './notify.ts';
import { withRequestLog } from './request-log.ts';
import { createSchedulerView, type SchedulerView } from './scheduler-view.ts';
import { createServices, type ServiceInfo, type Services } from './services.ts';
import { addSystemRoutes } from './system.ts';
import { createUploads, type Uploads } from './uploads.ts';

export interface ComposeOptions {
  catalog: Catalog;
  logger?: Logger;
  /** Overrides REDIS_PREFIX (tests sharing one Redis). */
  redisPrefix?: string;
}

export interface Composed {
  services: Services;
  auth: Auth;
  mail: AppMailer;
  uploads: Uploads;
  scheduler: SchedulerView;
  metrics: Metrics;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** The URL clients reach the service at: PUBLIC_URL, else the listening address (loopback for a wildcard). */
export function publicUrlOf(config: Config): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST === '::' ? '[::1]' : config.HOST;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.PORT}`;
}

export async function composeService(config: Config, info: ServiceInfo, options: ComposeOptions): Promise<Composed> {
  const { logger } = options;
  const log = logger ? { logger } : {};
  const services = await createServices(config, info, {
    ...log,
    ...(options.redisPrefix ? { redisPrefix: options.redisPrefix } : {}),
  });
  const auth = await createAuth(config, services, logger);
  const mail = createAppMailer(config, {
    ...(services.redis ? { redis: services.redis } : {}),
    redisPrefix: `${services.redisPrefix}mail:`,
    ...log,
  });
  services.closers.push({ name: 'mail', close: () => mail.mailer.close() });
  const publicUrl = publicUrlOf(config);
  const cookie = { secure: config.COOKIE_SECURE, name: config.COOKIE_SECURE ? '__Host-session' : 'session' };
  const guard = createGuard(auth, { cookieName: cookie.name });
  const uploads = await createUploads(config, services, { guard, publicUrl, ...log });
  const scheduler = await createSchedulerView(config, services, { mail, logger });
  const metrics = createMetrics({ services, auth, uploads });
  services.closers.push({ name: 'metrics', close: async () => metrics.close() });
  const system = { config, services, auth, mail, uploads, scheduler, metrics, guard };
  const app = createApp({
    info,
    services,
    catalog: options.catalog,
    auth,
    guard,
    routes: [uploads.routes, (router) => addSystemRoutes(router, system)],
    mounts: [uploads.mount],
    notify: createNotifier(mail, publicUrl),
    adminEmails: config.ADMIN_EMAILS.map((e) => e.toLowerCase()),
    cookie,
    ...log,
  });
  const handler = withRequestLog(app, { logger, metrics });
  return { services, auth, mail, uploads, scheduler, metrics, handler };
}
