/**
 * Express adapter: `app.use(requireAuth(options))` (or on a route) lets authenticated requests through with the
 * principal on `req.auth`, and answers refusals as problem+json (401 with `WWW-Authenticate`, 403). Any other
 * failure (a store down) goes to `next(error)`. Needs no import of Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createAuthenticator,
  isRefusal,
  type Principal,
  type RequireAuthOptions,
  refusalAnswer,
} from '../http/authenticate.ts';

export type { Principal, RequireAuthOptions } from '../http/authenticate.ts';

/** An Express-style middleware (`(req, res, next)`). */
export type RequireAuthMiddleware = (
  req: IncomingMessage & { auth?: Principal },
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Express middleware that requires a bearer token or a session cookie.
 *
 * @example app.get('/me', requireAuth({ tokens }), (req, res) => res.json(req.auth))
 */
export function requireAuth(options: RequireAuthOptions): RequireAuthMiddleware {
  const authenticator = createAuthenticator(options);
  return (req, res, next) => {
    authenticator.authenticate({ authorization: req.headers.authorization, cookie: req.headers.cookie }).then(
      (principal) => {
        req.auth = principal;
        next();
      },
      (error: unknown) => {
        if (!isRefusal(error)) return next(error);
        const answer = refusalAnswer(error);
        res.writeHead(answer.status, answer.headers).end(answer.body);
      },
    );
  };
}
// CSRF, security headers and CORS for Express.
export { csrfMiddleware, type ExpressRequestLike } from '../csrf/express.ts';
export {
  corsMiddleware,
  type ExpressResponseLike,
  type SecurityMiddleware,
  securityHeadersMiddleware,
} from '../headers/express.ts';
