/**
 * Express adapter: `app.use(healthMiddleware(health))` serves the health paths and passes every other request
 * on. Matches on `originalUrl`, so it works mounted under a router too. Needs no import of Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Health } from '../health.ts';

/** An Express-style middleware (`(req, res, next)`). */
export type HealthMiddleware = (
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Express middleware serving `health.paths` (GET/HEAD, query strings fine); other paths go to `next()`.
 *
 * @example app.use(healthMiddleware(health))
 */
export function healthMiddleware(health: Pick<Health, 'listener'>): HealthMiddleware {
  return (req, res, next) => health.listener(req, res, next);
}
