/**
 * Problem+json for the errors Node answers before any request handler runs: a request it cannot parse
 * (bad method, bad `Content-Length`, header fields too large) or one that did not arrive in time
 * (`server.headersTimeout`, `server.requestTimeout`). Node's own answers to those have empty bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Log, type Logger, loggerOption } from '../../../../internal/src/index.ts';
import { type AdapterOptions, prepareAdapter } from '../adapter.ts';
import { invalidOption } from '../errors.ts';
import { HttpError } from '../http-error.ts';
import { problemParts } from '../response.ts';
import { sendProblem } from '../send.ts';
import { reasonPhrase } from '../status.ts';

/** Options of `clientErrorHandler`. */
export interface ClientErrorOptions {
  /** Where answered client errors are logged, at `debug` (code and status, never the raw request). @default undefined */
  logger?: Logger;
}

// The statuses Node itself picks for these errors (lib/_http_server.js); anything else it answers with 400.
const statusByCode: Readonly<Record<string, 408 | 413 | 431>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
};

const details: Readonly<Record<400 | 408 | 413 | 431, string>> = {
  400: 'The request is not valid HTTP/1.1.',
  408: 'The request was not received in time.',
  413: 'The chunk extensions of the request body are too large.',
  431: 'The request header fields are too large.',
};

// What Node links on a socket while a response is in flight (`socket._httpMessage`, the ServerResponse).
interface InFlight {
  readonly headersSent?: boolean;
  readonly req?: { readonly method?: string };
}

/** The raw HTTP/1.1 response: the socket is all there is, no `ServerResponse` can be used. */
function rawResponse(status: number, method: string | undefined, code: string | undefined): string {
  const detail = details[status as keyof typeof details];
  const error = new HttpError(status, detail, code === undefined ? {} : { extensions: { code } });
  const parts = problemParts(error, method === undefined ? {} : { method });
  const lines = [`HTTP/1.1 ${status} ${reasonPhrase(status) ?? ''}`];
  for (const [name, value] of Object.entries(parts.responseHeaders)) lines.push(`${name}: ${value}`);
  if (parts.body !== undefined) lines.push(`content-length: ${Buffer.byteLength(parts.body)}`);
  lines.push('connection: close', '', parts.body ?? '');
  return lines.join('\r\n');
}

/**
 * A listener for `server.on('clientError', ...)` that answers problem+json where Node would answer with an
 * empty 400, 408, 413 or 431, then closes the connection (`Connection: close`). It never writes to a socket that
 * is not writable or whose response already started, and leaves a connection reset by the client alone.
 *
 * @example
 * server.on('clientError', clientErrorHandler({ logger }));
 * server.requestTimeout = 30_000; // a request that takes longer gets a 408 problem
 */
export function clientErrorHandler(options: ClientErrorOptions = {}): (error: Error, socket: Duplex) => void {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  const log: Log = loggerOption(options.logger, invalidOption);
  // The parser reports the same broken request again for each chunk that follows it; one answer is enough.
  const answered = new WeakSet<Duplex>();
  return (error, socket) => {
    const rawCode: unknown = (error as { code?: unknown }).code;
    const code = typeof rawCode === 'string' ? rawCode : undefined;
    // The client is gone: Node destroys the socket itself and there is no one to answer.
    if (code === 'ECONNRESET' || answered.has(socket)) return;
    const inFlight = (socket as { _httpMessage?: InFlight | null })._httpMessage ?? undefined;
    if (!socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const status = (code === undefined ? undefined : statusByCode[code]) ?? 400;
    log('debug', { code, status }, `client error answered with ${status}`);
    // End, then destroy once flushed: what Node does, without cutting our answer short.
    socket.end(rawResponse(status, inFlight?.req?.method, code), () => socket.destroy());
  };
}

/** Options of `checkExpectationHandler`. */
export type CheckExpectationOptions = AdapterOptions<IncomingMessage>;

/**
 * A listener for `server.on('checkExpectation', ...)`: answers a request whose `Expect` header is not
 * `100-continue` with a 417 problem, where Node would answer with an empty 417.
 *
 * @example
 * server.on('checkExpectation', checkExpectationHandler());
 */
export function checkExpectationHandler(
  options?: CheckExpectationOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const adapter = prepareAdapter(options);
  return (request, response) => {
    const error = HttpError.expectationFailed('Only "Expect: 100-continue" is supported.');
    sendProblem(response, error, adapter.forRequest(request, request.method));
  };
}
