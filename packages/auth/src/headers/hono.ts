/**
 * Hono adapters of the security headers and CORS: factories returning middleware. Hono's request is a fetch
 * `Request`; the CSP nonce is `c.get('cspNonce')`. Need no import of Hono.
 */
import type { Cors } from './cors.ts';
import { appendVary } from './http.ts';
import type { SecurityHeaders } from './security-headers.ts';

/** The part of a Hono context the middleware use. */
export interface HonoContextLike {
  req: { raw: Request };
  res: Response;
  /** Hono's `set`, typed by the app's variables: `never` parameters let every app's `set` fit. */
  set: (key: never, value: never) => void;
}

/** A Hono middleware. */
// biome-ignore lint/suspicious/noConfusingVoidType: Hono's middleware returns a Response or nothing
export type HonoSecurityMiddleware = (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | void>;

function apply(target: Headers, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'vary') target.set('vary', appendVary(target.get('vary'), value));
    else target.set(name, value);
  }
}

/**
 * Sets the security headers on every response; the CSP nonce is `c.get('cspNonce')` in handlers.
 *
 * @example app.use(securityHeadersMiddleware({ headers: createSecurityHeaders() }))
 */
export function securityHeadersMiddleware(options: { headers: SecurityHeaders }): HonoSecurityMiddleware {
  const { headers } = options;
  return async (c, next) => {
    const result = headers.forResponse();
    if (result.nonce !== undefined) c.set('cspNonce' as never, result.nonce as never);
    await next();
    apply(c.res.headers, result.headers);
  };
}

/**
 * Answers preflights (204) and adds the CORS headers to every other response.
 *
 * @example app.use(corsMiddleware({ cors: createCors({ origins: ['https://app.example.com'] }) }))
 */
export function corsMiddleware(options: { cors: Cors }): HonoSecurityMiddleware {
  const { cors } = options;
  return async (c, next) => {
    const request = c.req.raw;
    const result = cors.forRequest(request.method, (name) => request.headers.get(name) ?? undefined);
    if (result.preflight) {
      const headers = new Headers();
      apply(headers, result.headers);
      return new Response(null, { status: 204, headers });
    }
    await next();
    apply(c.res.headers, result.headers);
    return undefined;
  };
}
