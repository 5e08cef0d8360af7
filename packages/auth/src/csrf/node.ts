/** `node:http` adapter of CSRF protection: wraps a request handler. */
import {
  applyNodeHeaders,
  type NodeRequestLike,
  type NodeResponseLike,
  nodeHeader,
  rememberToken,
} from '../headers/http.ts';
import { csrfStep } from './adapters.ts';
import type { Csrf } from './csrf.ts';
import { problemResponse } from './problem.ts';

/** Options of the CSRF adapters. */
export interface CsrfAdapterOptions<Req> {
  /** The CSRF instance. Required. */
  csrf: Csrf;
  /** The session a token is bound to (e.g. from the session cookie); `''` before login. @default () => '' */
  sessionId?: (request: Req) => string | undefined;
}

/**
 * Wraps a handler: unsafe requests that fail the check get a 403 problem+json (`ERR_AUTH_CSRF_REJECTED`) and never
 * reach it; safe ones get a token (`csrfTokenOf(res)`, and the cookie when it was missing).
 *
 * @example createServer(withCsrf(handler, { csrf, sessionId: (req) => sessionIdFromCookie(req) }))
 */
export function withCsrf<Req extends NodeRequestLike, Res extends NodeResponseLike>(
  handler: (request: Req, response: Res) => unknown,
  options: CsrfAdapterOptions<Req>,
): (request: Req, response: Res) => unknown {
  const { csrf, sessionId } = options;
  return (request, response) => {
    const step = csrfStep(
      csrf,
      request.method ?? 'GET',
      (name) => nodeHeader(request, name),
      sessionId?.(request) ?? '',
      undefined,
    );
    if (!step.decision.ok) {
      const problem = problemResponse(csrf.error(step.decision.reason));
      response.statusCode = problem.status;
      applyNodeHeaders(response, problem.headers);
      response.end(problem.body);
      return undefined;
    }
    if (step.setCookie !== undefined) applyNodeHeaders(response, { 'set-cookie': step.setCookie });
    if (step.token !== undefined) rememberToken(response, step.token);
    return handler(request, response);
  };
}
