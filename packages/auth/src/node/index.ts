/**
 * node:http adapter: `requireAuth(options, listener)` wraps a `(req, res)` listener; the listener runs only for
 * authenticated requests, with the principal on `req.auth`. Refusals are answered as problem+json (401 with
 * `WWW-Authenticate`, 403 for a missing scope); a store failure is a 503 problem. An error the listener throws is
 * answered as problem+json too: an `@infra` 4xx (such as `HttpError`) with its status, anything else as a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { problemBody, problemContentType, problemFor } from '../../../../internal/src/index.ts';
import {
  createAuthenticator,
  isRefusal,
  type Principal,
  type RequireAuthOptions,
  refusalAnswer,
} from '../http/authenticate.ts';

export type { Principal, RequireAuthOptions } from '../http/authenticate.ts';

/** A request that passed `requireAuth`. */
export type AuthenticatedRequest = IncomingMessage & { auth: Principal };

/**
 * Wraps `listener` so it runs only for authenticated requests.
 *
 * @example http.createServer(requireAuth({ tokens }, (req, res) => res.end(req.auth.userId)))
 */
export function requireAuth(
  options: RequireAuthOptions,
  listener: (req: AuthenticatedRequest, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => void {
  const authenticator = createAuthenticator(options);
  return (req, res) => {
    authenticator
      .authenticate({ authorization: req.headers.authorization, cookie: req.headers.cookie })
      .then(
        (principal) => {
          (req as AuthenticatedRequest).auth = principal;
          return listener(req as AuthenticatedRequest, res);
        },
        (error: unknown) => {
          const answer = isRefusal(error)
            ? refusalAnswer(error)
            : { status: 503, headers: { 'content-type': problemContentType }, body: problemBody({ status: 503 }) };
          res.writeHead(answer.status, answer.headers).end(answer.body);
        },
      )
      .catch((error: unknown) => {
        // The listener itself failed. An exposed @infra error (an HttpError 404 thrown by a route) keeps its status
        // and detail; anything else is a 500 that shows nothing. A response already started is ended.
        if (!res.headersSent) {
          const { status, body } = problemFor(error);
          res.writeHead(status, { 'content-type': problemContentType }).end(body);
        } else if (!res.writableEnded) res.end();
      });
  };
}
// CSRF, security headers and CORS for node:http (part of @infra/auth's security helpers).
export { type CsrfAdapterOptions, withCsrf } from '../csrf/node.ts';
export { cspNonceOf, csrfTokenOf, type NodeRequestLike, type NodeResponseLike } from '../headers/http.ts';
export { withCors, withSecurityHeaders } from '../headers/node.ts';
