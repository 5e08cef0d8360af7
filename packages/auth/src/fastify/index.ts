// CSRF, security headers and CORS for Fastify (plugins that apply to the whole instance).
export { csrfPlugin, type FastifyCsrfRequestLike } from '../csrf/fastify.ts';
export { cspNonceOf, csrfTokenOf } from '../headers/http.ts';
export { corsPlugin, securityHeadersPlugin } from '../headers/fastify.ts';
