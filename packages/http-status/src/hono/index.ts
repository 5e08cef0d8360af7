/**
 * `@infra/http-status/hono`: problem+json for Hono's `app.onError` and `app.notFound`.
 *
 * @example
 * app.onError(errorHandler());
 * app.notFound(notFoundHandler());
 */
import { type AdapterOptions, noRouteDetail, prepareAdapter } from '../adapter.ts';
import { HttpError } from '../http-error.ts';
import { problemParts, problemResponse } from '../response.ts';

export type { AdapterOptions, Logger, LoggerLike } from '../adapter.ts';

/** The part of Hono's `Context` the handlers read. */
export interface HonoContextLike {
  readonly req: {
    readonly method: string;
    readonly path: string;
    header(name: string): string | undefined;
  };
}

/** Options of `errorHandler` and `notFoundHandler`. */
export type HonoProblemOptions<C extends HonoContextLike = HonoContextLike> = AdapterOptions<C>;

// Hono's own middleware throw HTTPException with a prepared `res` (basic auth puts its challenge
// there); keep the headers a client needs from it.
const keptHeaders = ['www-authenticate', 'allow', 'retry-after'];

function headersFromException(error: unknown): Record<string, string> {
  const res = typeof error === 'object' && error !== null ? (error as { res?: unknown }).res : undefined;
  const headers: Record<string, string> = {};
  if (!(res instanceof Response)) return headers;
  for (const name of keptHeaders) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/** A handler for `app.onError`: every error becomes RFC 9457 problem+json (see `toProblem`). */
export function errorHandler<C extends HonoContextLike>(
  options?: HonoProblemOptions<C>,
): (error: unknown, c: C) => Response {
  const adapter = prepareAdapter(options);
  return (error, c) => {
    const parts = problemParts(error, { ...adapter.forRequest(c, c.req.method), headers: headersFromException(error) });
    adapter.log(error, parts.status, { method: c.req.method, path: c.req.path });
    return new Response(parts.body ?? null, { status: parts.status, headers: parts.responseHeaders });
  };
}

/** A handler for `app.notFound`: 404 problem+json. */
export function notFoundHandler<C extends HonoContextLike>(options?: HonoProblemOptions<C>): (c: C) => Response {
  const adapter = prepareAdapter(options);
  return (c) =>
    problemResponse(HttpError.notFound(noRouteDetail(c.req.method, c.req.path)), adapter.forRequest(c, c.req.method));
}
