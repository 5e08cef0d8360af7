// CSRF, security headers and CORS for node:http (part of @infra/auth's security helpers).
export { withCsrf, type CsrfAdapterOptions } from '../csrf/node.ts';
export { cspNonceOf, csrfTokenOf, type NodeRequestLike, type NodeResponseLike } from '../headers/http.ts';
export { withCors, withSecurityHeaders } from '../headers/node.ts';
