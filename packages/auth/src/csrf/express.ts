/** Express adapter of CSRF protection. Needs no import of Express. */
import type { ExpressResponseLike } from '../headers/express.ts';
import { applyNodeHeaders, type NodeRequestLike, nodeHeader, rememberToken } from '../headers/http.ts';
import { csrfStep, fieldOf } from './adapters.ts';
import type { CsrfAdapterOptions } from './node.ts';
import { problemResponse } from './problem.ts';

/** An Express request as the middleware sees it (`body` once a body parser ran). */
export interface ExpressRequestLike extends NodeRequestLike {
  body?: unknown;
}

/**
 * Refuses cross-site and token-less unsafe requests with a 403 problem+json; on safe ones puts the token in
 * `res.locals.csrfToken` (and sets the cookie when missing). Mount it after the body parser for form fields.
 *
 * @example app.use(express.urlencoded({ extended: false }), csrfMiddleware({ csrf, sessionId: (req) => req.session?.id }))
 */
export function csrfMiddleware(
  options: CsrfAdapterOptions<ExpressRequestLike>,
): (req: ExpressRequestLike, res: ExpressResponseLike, next: (error?: unknown) => void) => void {
  const { csrf, sessionId } = options;
  return (req, res, next) => {
    const step = csrfStep(
      csrf,
      req.method ?? 'GET',
      (name) => nodeHeader(req, name),
      sessionId?.(req) ?? '',
      fieldOf(req.body, csrf.fieldName),
    );
    if (!step.decision.ok) {
      const problem = problemResponse(csrf.error(step.decision.reason));
      res.statusCode = problem.status;
      applyNodeHeaders(res, problem.headers);
      res.end(problem.body);
      return;
    }
    if (step.setCookie !== undefined) applyNodeHeaders(res, { 'set-cookie': step.setCookie });
    if (step.token !== undefined) {
      rememberToken(res, step.token);
      if (res.locals !== undefined) res.locals.csrfToken = step.token;
    }
    next();
  };
}
