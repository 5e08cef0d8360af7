/**
 * `@infra/http-status/node`: problem+json for a plain `node:http` server.
 *
 * @example
 * const server = createServer(withProblems(async (req, res) => {
 *   if (req.url !== '/hello') throw HttpError.notFound();
 *   sendJson(res, ok({ hello: 'world' }));
 * }));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AdapterOptions, noRouteDetail, prepareAdapter } from '../adapter.ts';
import { invalidOption } from '../errors.ts';
import { HttpError } from '../http-error.ts';
import { type NodeResponseLike, sendProblem } from '../send.ts';

export type { AdapterOptions, Logger, LoggerLike } from '../adapter.ts';
export { type NodeResponseLike, sendJson, sendProblem } from '../send.ts';
export {
  type CheckExpectationOptions,
  type ClientErrorOptions,
  checkExpectationHandler,
  clientErrorHandler,
} from './client-error.ts';

/** The part of `http.IncomingMessage` the adapter reads. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Options of `withProblems` and `notFoundHandler`. */
export type NodeProblemOptions<Req extends NodeRequestLike = NodeRequestLike> = AdapterOptions<Req>;

function pathOf(request: NodeRequestLike): string | undefined {
  return request.url?.split('?', 1)[0];
}

/**
 * Wraps a `node:http` request handler: whatever it throws or rejects with is answered with an
 * RFC 9457 problem (see `toProblem`); 5xx errors go to `logger`.
 */
export function withProblems<
  Req extends NodeRequestLike = IncomingMessage,
  Res extends NodeResponseLike = ServerResponse,
>(
  handler: (request: Req, response: Res) => unknown,
  options?: NodeProblemOptions<Req>,
): (request: Req, response: Res) => Promise<void> {
  if (typeof handler !== 'function') throw invalidOption('handler', 'expected a request handler function');
  const adapter = prepareAdapter(options);
  return async (request, response) => {
    try {
      await handler(request, response);
    } catch (error) {
      const sent = sendProblem(response, error, adapter.forRequest(request, request.method));
      adapter.log(error, sent.status, { method: request.method, path: pathOf(request) });
    }
  };
}

/** A handler answering 404 problem+json, for requests no route matched. */
export function notFoundHandler<Req extends NodeRequestLike = IncomingMessage>(
  options?: NodeProblemOptions<Req>,
): (request: Req, response: NodeResponseLike) => void {
  const adapter = prepareAdapter(options);
  return (request, response) => {
    sendProblem(
      response,
      HttpError.notFound(noRouteDetail(request.method, pathOf(request))),
      adapter.forRequest(request, request.method),
    );
  };
}
