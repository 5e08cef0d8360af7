/**
 * `@infra/http-status/fastify`: problem+json error and not-found handlers for Fastify 4 and 5.
 *
 * @example
 * await app.register(problemPlugin, { traceId: (request) => request.id });
 */
import { type AdapterOptions, noRouteDetail, prepareAdapter } from '../adapter.ts';
import { HttpError } from '../http-error.ts';
import { problemParts } from '../response.ts';

export type { AdapterOptions, Logger, LoggerLike } from '../adapter.ts';

/** The part of Fastify's `request` the handlers read. */
export interface FastifyRequestLike {
  readonly method: string;
  readonly url: string;
  readonly id?: string;
}

/** The part of Fastify's `reply` the handlers use. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: Uint8Array): FastifyReplyLike;
}

/** Options of `problemPlugin`, `errorHandler` and `notFoundHandler`. */
export type FastifyProblemOptions<Req extends FastifyRequestLike = FastifyRequestLike> = AdapterOptions<Req>;

/** The part of a Fastify instance `problemPlugin` uses. */
export interface FastifyInstanceLike {
  setErrorHandler(handler: (error: unknown, request: FastifyRequestLike, reply: FastifyReplyLike) => unknown): unknown;
  setNotFoundHandler(handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => unknown): unknown;
}

function pathOf(request: FastifyRequestLike): string {
  return request.url.split('?', 1)[0] ?? '/';
}

function send<Req extends FastifyRequestLike>(
  adapter: ReturnType<typeof prepareAdapter<Req>>,
  error: unknown,
  request: Req,
  reply: FastifyReplyLike,
): FastifyReplyLike {
  const parts = problemParts(error, adapter.forRequest(request, request.method));
  adapter.log(error, parts.status, { method: request.method, path: pathOf(request) });
  reply.code(parts.status);
  for (const [name, value] of Object.entries(parts.responseHeaders)) reply.header(name, value);
  // A Buffer goes out as is; a string would get "; charset=utf-8" appended to the media type.
  return parts.body === undefined ? reply.send() : reply.send(Buffer.from(parts.body));
}

/** A handler for `app.setErrorHandler`: every error becomes RFC 9457 problem+json (see `toProblem`). */
export function errorHandler<Req extends FastifyRequestLike>(
  options?: FastifyProblemOptions<Req>,
): (error: unknown, request: Req, reply: FastifyReplyLike) => FastifyReplyLike {
  const adapter = prepareAdapter(options);
  return (error, request, reply) => send(adapter, error, request, reply);
}

/** A handler for `app.setNotFoundHandler`: 404 problem+json. */
export function notFoundHandler<Req extends FastifyRequestLike>(
  options?: FastifyProblemOptions<Req>,
): (request: Req, reply: FastifyReplyLike) => FastifyReplyLike {
  const adapter = prepareAdapter(options);
  return (request, reply) =>
    send(adapter, HttpError.notFound(noRouteDetail(request.method, pathOf(request))), request, reply);
}

/**
 * Fastify plugin installing `errorHandler` and `notFoundHandler` on the instance it is registered
 * on (not encapsulated, like `fastify-plugin` would make it): `app.register(problemPlugin, options)`.
 */
export function problemPlugin(
  instance: FastifyInstanceLike,
  options: FastifyProblemOptions<FastifyRequestLike>,
  done: (error?: Error) => void,
): void {
  try {
    instance.setErrorHandler(errorHandler(options));
    instance.setNotFoundHandler(notFoundHandler(options));
    done();
  } catch (error) {
    done(error as Error);
  }
}

// What fastify-plugin sets: run in the parent's context, so the handlers apply to the whole app.
Object.defineProperty(problemPlugin, Symbol.for('skip-override'), { value: true });
Object.defineProperty(problemPlugin, Symbol.for('fastify.display-name'), { value: '@infra/http-status' });
