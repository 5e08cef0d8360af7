// CSRF, security headers and CORS for Hono (`c.get('cspNonce')`, `c.get('csrfToken')`).
export { csrfMiddleware } from '../csrf/hono.ts';
export { corsMiddleware, type HonoContextLike, type HonoSecurityMiddleware, securityHeadersMiddleware } from '../headers/hono.ts';
