import { publish } from '../../../internal/src/index.ts';
import { isBodiless, JSON_CONTENT_TYPE, PROBLEM_CONTENT_TYPE, serialize } from './body.ts';
import { httpStatusChannels, type ProblemEvent } from './channels.ts';
import { invalidOption } from './errors.ts';
import { type ProblemDetails, type ResolvedProblem, resolveProblem, type ToProblemOptions } from './problem.ts';
import { isValidStatus } from './status.ts';

/** Options of `problemResponse` and `sendProblem`. */
export interface ProblemResponseOptions extends ToProblemOptions {
  /** The request method; a HEAD request gets the status and headers without a body. @default 'GET' */
  method?: string;
  /** Extra response headers (the problem's own headers and content-type win). @default {} */
  headers?: Readonly<Record<string, string>>;
}

/** Options of `jsonResponse` and `sendJson`. */
export interface JsonResponseOptions {
  /** Response status. @default 200 */
  status?: number;
  /** The request method; HEAD gets no body. @default 'GET' */
  method?: string;
  /** Extra response headers. @default {} */
  headers?: Readonly<Record<string, string>>;
}

/** The standard members alone: what is sent if the extension members cannot be serialised. */
export function standardOnly({ type, title, status, detail, instance }: ProblemDetails): ProblemDetails {
  return {
    type,
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(instance === undefined ? {} : { instance }),
  };
}

function codeOf(error: unknown): string | undefined {
  try {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    // A throwing getter: the event goes out without a code rather than failing the response.
    return undefined;
  }
}

function problemEvent(error: unknown, { status, problem }: ResolvedProblem, method: string | undefined): ProblemEvent {
  const event: ProblemEvent = { status, type: problem.type, title: problem.title };
  // A code the problem carries (a client error's HPE_* code) says more than the error's generic one.
  const code = typeof problem.code === 'string' ? problem.code : codeOf(error);
  if (code !== undefined) event.code = code;
  if (status < 500 && problem.detail !== undefined) event.detail = problem.detail;
  if (method !== undefined) event.method = method;
  if (problem.instance !== undefined) event.instance = problem.instance;
  if (typeof problem.traceId === 'string') event.traceId = problem.traceId;
  return event;
}

/** Status, headers and body text of the problem response for `error`. */
export function problemParts(
  error: unknown,
  options: ProblemResponseOptions = {},
): ResolvedProblem & { body: string | undefined; responseHeaders: Record<string, string> } {
  const { method, headers: extra, ...problemOptions } = options;
  const resolved = resolveProblem(error, problemOptions);
  publish(httpStatusChannels.problem, () => problemEvent(error, resolved, method));
  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra ?? {})) responseHeaders[name.toLowerCase()] = value;
  Object.assign(responseHeaders, resolved.headers, { 'content-type': PROBLEM_CONTENT_TYPE });
  const body = isBodiless(resolved.status, method)
    ? undefined
    : serialize(resolved.problem, () => standardOnly(resolved.problem));
  return { ...resolved, body, responseHeaders };
}

/**
 * A fetch `Response` carrying the RFC 9457 problem for `error` (see `toProblem`), with
 * `content-type: application/problem+json` and the error's headers.
 *
 * @example
 * app.onError((error, c) => problemResponse(error, { method: c.req.method }));
 */
export function problemResponse(error: unknown, options?: ProblemResponseOptions): Response {
  const { status, body, responseHeaders } = problemParts(error, options);
  return new Response(body ?? null, { status, headers: responseHeaders });
}

/**
 * Checks the status of a final response; throws `ERR_HTTP_STATUS_INVALID_OPTION` outside 200–599
 * (1xx are interim responses the server sends itself, never with a JSON body).
 */
export function checkStatus(status: unknown): number {
  if (!isValidStatus(status) || status < 200) {
    throw invalidOption('status', `expected an integer in 200-599, got ${String(status)}`);
  }
  return status;
}

/** A fetch `Response` with `body` as JSON; no body for HEAD, 204, 205 and 304. */
export function jsonResponse(body: unknown, options: JsonResponseOptions = {}): Response {
  const status = checkStatus(options.status ?? 200);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (isBodiless(status, options.method)) return new Response(null, { status, headers });
  headers['content-type'] ??= JSON_CONTENT_TYPE;
  return new Response(JSON.stringify(body), { status, headers });
}
