/**
 * `@infra/http-status/express`: problem+json error and not-found middleware for Express 4 and 5.
 *
 * @example
 * app.use(router);
 * app.use(notFoundHandler());
 * app.use(errorHandler());
 */
import { type AdapterOptions, noRouteDetail, prepareAdapter } from '../adapter.ts';
import { HttpError } from '../http-error.ts';
import { type NodeResponseLike, sendProblem } from '../send.ts';

export type { AdapterOptions, Logger, LoggerLike } from '../adapter.ts';

/** The part of Express's `req` the middleware reads. */
export interface ExpressRequestLike {
  readonly method: string;
  readonly originalUrl?: string;
  readonly url: string;
  readonly path?: string;
}

/** Options of `errorHandler` and `notFoundHandler`. */
export type ExpressProblemOptions<Req extends ExpressRequestLike = ExpressRequestLike> = AdapterOptions<Req>;

/** Express error middleware (four parameters, as Express requires). */
export type ExpressErrorHandler<Req extends ExpressRequestLike> = (
  error: unknown,
  request: Req,
  response: NodeResponseLike,
  next: (error?: unknown) => void,
) => void;

function pathOf(request: ExpressRequestLike): string {
  return (request.originalUrl ?? request.url).split('?', 1)[0] ?? '/';
}

/**
 * Error middleware answering every error with RFC 9457 problem+json (see `toProblem`). Register it
 * last. When the response has already started, it defers to Express, which closes the connection.
 */
export function errorHandler<Req extends ExpressRequestLike>(
  options?: ExpressProblemOptions<Req>,
): ExpressErrorHandler<Req> {
  const adapter = prepareAdapter(options);
  // Express tells error middleware apart by its arity: keep exactly four named parameters.
  return function problemErrorHandler(error, request, response, next) {
    if (response.headersSent) {
      next(error);
      return;
    }
    const sent = sendProblem(response, error, adapter.forRequest(request, request.method));
    adapter.log(error, sent.status, { method: request.method, path: pathOf(request) });
  };
}

/** Middleware answering 404 problem+json; register it after every route. */
export function notFoundHandler<Req extends ExpressRequestLike>(
  options?: ExpressProblemOptions<Req>,
): (request: Req, response: NodeResponseLike) => void {
  const adapter = prepareAdapter(options);
  return function problemNotFoundHandler(request, response) {
    const error = HttpError.notFound(noRouteDetail(request.method, pathOf(request)));
    sendProblem(response, error, adapter.forRequest(request, request.method));
  };
}
