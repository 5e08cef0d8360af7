/** Express adapters of the security headers and CORS: factories returning middleware. Need no import of Express. */
import type { Cors } from './cors.ts';
import { applyNodeHeaders, type NodeRequestLike, type NodeResponseLike, nodeHeader, rememberNonce } from './http.ts';
import type { SecurityHeaders } from './security-headers.ts';

/** An Express response as the middleware sees it (`locals` for templates). */
export interface ExpressResponseLike extends NodeResponseLike {
  locals?: Record<string, unknown>;
}

/** An Express-style middleware. */
export type SecurityMiddleware = (
  req: NodeRequestLike,
  res: ExpressResponseLike,
  next: (error?: unknown) => void,
) => void;

/**
 * Sets the security headers on every response, removes `X-Powered-By`, and puts the CSP nonce in `res.locals.cspNonce`.
 *
 * @example app.use(securityHeadersMiddleware({ headers: createSecurityHeaders() }))
 */
export function securityHeadersMiddleware(options: { headers: SecurityHeaders }): SecurityMiddleware {
  const { headers } = options;
  return (_req, res, next) => {
    res.removeHeader('x-powered-by');
    const nonce = headers.writeTo(res);
    if (nonce !== undefined) {
      rememberNonce(res, nonce);
      if (res.locals !== undefined) res.locals.cspNonce = nonce;
    }
    next();
  };
}

/**
 * Answers preflights (204) and adds the CORS headers to every other response.
 *
 * @example app.use(corsMiddleware({ cors: createCors({ origins: ['https://app.example.com'], credentials: true }) }))
 */
export function corsMiddleware(options: { cors: Cors }): SecurityMiddleware {
  const { cors } = options;
  return (req, res, next) => {
    const result = cors.forRequest(req.method ?? 'GET', (name) => nodeHeader(req, name));
    applyNodeHeaders(res, result.headers);
    if (result.preflight) {
      res.statusCode = 204;
      res.setHeader('content-length', '0');
      res.end();
      return;
    }
    next();
  };
}
