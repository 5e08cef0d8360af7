/**
 * Writing problems and JSON to a `node:http` `ServerResponse` (or anything shaped like one:
 * Express's `res` is one). Structural types, so no framework or `node:http` import is needed.
 */
import { isBodiless, JSON_CONTENT_TYPE } from './body.ts';
import type { ResolvedProblem } from './problem.ts';
import { checkStatus, type JsonResponseOptions, type ProblemResponseOptions, problemParts } from './response.ts';

/** The part of `http.ServerResponse` these helpers use. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
  destroy(error?: Error): unknown;
  /** The request, which `http.ServerResponse` links (Node >= 15.7); its method decides HEAD handling. */
  readonly req?: { readonly method?: string | undefined } | undefined;
}

/**
 * Sends the RFC 9457 problem for `error` (see `toProblem`) on `res` and returns what was sent. If the
 * headers already went out, a well-formed answer is impossible: the response is destroyed so the
 * client sees a broken response rather than a truncated one that looks complete.
 */
export function sendProblem(
  res: NodeResponseLike,
  error: unknown,
  options: ProblemResponseOptions = {},
): ResolvedProblem {
  const method = options.method ?? res.req?.method;
  const parts = problemParts(error, method === undefined ? options : { ...options, method });
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return parts;
  }
  res.statusCode = parts.status;
  for (const [name, value] of Object.entries(parts.responseHeaders)) res.setHeader(name, value);
  res.end(parts.body);
  const { status, headers, problem } = parts;
  return { status, headers, problem };
}

/** Sends `body` as JSON on `res`; no body for HEAD, 204, 205 and 304. */
export function sendJson(res: NodeResponseLike, body: unknown, options: JsonResponseOptions = {}): void {
  const status = checkStatus(options.status ?? 200);
  const method = options.method ?? res.req?.method;
  res.statusCode = status;
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name.toLowerCase(), value);
  if (isBodiless(status, method)) {
    res.end();
    return;
  }
  if (!Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'content-type')) {
    res.setHeader('content-type', JSON_CONTENT_TYPE);
  }
  res.end(JSON.stringify(body));
}
