/**
 * `node:http` adapters of the security headers and CORS: each wraps a request handler, as `withProblems` of
 * `@infra/http-status/node` does.
 */
import type { Cors } from './cors.ts';
import { applyNodeHeaders, type NodeRequestLike, type NodeResponseLike, nodeHeader, rememberNonce } from './http.ts';
import type { SecurityHeaders } from './security-headers.ts';

/**
 * Wraps a handler so every response carries the security headers; the CSP nonce is `cspNonceOf(res)`.
 *
 * @example createServer(withSecurityHeaders(handler, { headers: createSecurityHeaders() }))
 */
export function withSecurityHeaders<Req extends NodeRequestLike, Res extends NodeResponseLike>(
  handler: (request: Req, response: Res) => unknown,
  options: { headers: SecurityHeaders },
): (request: Req, response: Res) => unknown {
  const { headers } = options;
  return (request, response) => {
    rememberNonce(response, headers.writeTo(response));
    return handler(request, response);
  };
}

/**
 * Wraps a handler with CORS: preflights are answered (204) without reaching it; other requests get the CORS headers.
 *
 * @example createServer(withCors(handler, { cors: createCors({ origins: ['https://app.example.com'] }) }))
 */
export function withCors<Req extends NodeRequestLike, Res extends NodeResponseLike>(
  handler: (request: Req, response: Res) => unknown,
  options: { cors: Cors },
): (request: Req, response: Res) => unknown {
  const { cors } = options;
  return (request, response) => {
    const result = cors.forRequest(request.method ?? 'GET', (name) => nodeHeader(request, name));
    applyNodeHeaders(response, result.headers);
    if (result.preflight) {
      response.statusCode = 204;
      response.setHeader('content-length', '0');
      response.end();
      return undefined;
    }
    return handler(request, response);
  };
}
