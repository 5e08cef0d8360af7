/**
 * Hono adapter: `app.use('/api/*', requireAuth(options))` lets authenticated requests through with the
 * principal at `c.get('auth')`, and answers refusals as problem+json (401 with `WWW-Authenticate`, 403). Any
 * other failure is thrown to Hono's error handler. Needs no import of Hono.
 */
import {
  createAuthenticator,
  isRefusal,
  type Principal,
  type RequireAuthOptions,
  refusalAnswer,
} from '../http/authenticate.ts';

export type { Principal, RequireAuthOptions } from '../http/authenticate.ts';

/** The part of a Hono context the middleware uses. */
export interface HonoAuthContext {
  req: { raw: Request };
  set(key: 'auth', value: Principal): void;
}

/** A Hono middleware. */
// biome-ignore lint/suspicious/noConfusingVoidType: Hono's middleware returns a Response or nothing
export type RequireAuthHonoMiddleware = (c: HonoAuthContext, next: () => Promise<void>) => Promise<Response | void>;

/**
 * Hono middleware that requires a bearer token or a session cookie.
 *
 * @example app.use('/api/*', requireAuth({ tokens }))
 */
export function requireAuth(options: RequireAuthOptions): RequireAuthHonoMiddleware {
  const authenticator = createAuthenticator(options);
  return async (c, next) => {
    let principal: Principal;
    try {
      principal = await authenticator.authenticate({
        authorization: c.req.raw.headers.get('authorization') ?? undefined,
        cookie: c.req.raw.headers.get('cookie') ?? undefined,
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const answer = refusalAnswer(error);
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    }
    c.set('auth', principal);
    return next();
  };
}
// CSRF, security headers and CORS for Hono (`c.get('cspNonce')`, `c.get('csrfToken')`).
export { csrfMiddleware } from '../csrf/hono.ts';
export {
  corsMiddleware,
  type HonoContextLike,
  type HonoSecurityMiddleware,
  securityHeadersMiddleware,
} from '../headers/hono.ts';
