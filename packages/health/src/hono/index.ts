/**
 * Hono adapter: `app.use(healthMiddleware(health))` answers the health paths through `health.handle` (Hono's
 * request is a fetch `Request`) and passes every other request on. Needs no import of Hono.
 */
import type { Health } from '../health.ts';

/** The part of a Hono context the middleware reads. */
export interface HonoContextLike {
  req: { raw: Request };
}

/** A Hono middleware. */
// biome-ignore lint/suspicious/noConfusingVoidType: Hono's middleware returns a Response or nothing
export type HonoHealthMiddleware = (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | void>;

/**
 * Hono middleware serving `health.paths` (GET/HEAD, query strings fine); other paths go to `next()`.
 *
 * @example app.use(healthMiddleware(health))
 */
export function healthMiddleware(health: Pick<Health, 'match' | 'handle'>): HonoHealthMiddleware {
  return async (c, next) => {
    if (health.match(c.req.raw.url) === undefined) return next();
    return health.handle(c.req.raw);
  };
}
