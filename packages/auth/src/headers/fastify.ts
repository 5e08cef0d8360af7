/**
 * Fastify adapters of the security headers and CORS: plugins registered with options
 * (`app.register(corsPlugin, { cors })`). They apply to the whole instance, as `fastify-plugin` would make them
 * (`skip-override`). Need no import of Fastify.
 */
import type { Cors } from './cors.ts';
import { appendVary, type NodeRequestLike, type NodeResponseLike, nodeHeader, rememberNonce } from './http.ts';
import type { SecurityHeaders } from './security-headers.ts';

/** The part of a Fastify request the hooks read. */
export interface FastifyRequestLike {
  raw: NodeRequestLike;
  method: string;
}

/** The part of a Fastify reply the hooks write. */
export interface FastifyReplyLike {
  raw: NodeResponseLike;
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  getHeader(name: string): unknown;
  send(payload?: unknown): FastifyReplyLike;
}

type Hook = (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;

/** The part of a Fastify instance the plugins use. */
export interface FastifyLike {
  addHook(name: 'onRequest', hook: Hook): unknown;
  route(options: { method: string; url: string; handler: Hook }): unknown;
}

/** A plugin that applies to the whole instance (Fastify reads `skip-override`, as `fastify-plugin` sets it). */
type GlobalPlugin<O> = ((fastify: FastifyLike, options: O) => Promise<void>) & { [key: symbol]: unknown };

function global<O>(plugin: (fastify: FastifyLike, options: O) => Promise<void>): GlobalPlugin<O> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}

function setHeaders(reply: FastifyReplyLike, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'vary') {
      const current = reply.getHeader('vary');
      reply.header('vary', appendVary(current === undefined ? undefined : String(current), value));
    } else reply.header(name, value);
  }
}

/**
 * Sets the security headers on every response; the CSP nonce is `cspNonceOf(reply.raw)`.
 *
 * @example await app.register(securityHeadersPlugin, { headers: createSecurityHeaders() })
 */
export const securityHeadersPlugin: GlobalPlugin<{ headers: SecurityHeaders }> = global(async (fastify, options) => {
  const { headers } = options;
  fastify.addHook('onRequest', async (_request, reply) => {
    const result = headers.forResponse();
    setHeaders(reply, result.headers);
    rememberNonce(reply.raw, result.nonce);
  });
});

/**
 * Answers preflights (204, on any path) and adds the CORS headers to every other response.
 *
 * @example await app.register(corsPlugin, { cors: createCors({ origins: ['https://app.example.com'] }) })
 */
export const corsPlugin: GlobalPlugin<{ cors: Cors }> = global(async (fastify, options) => {
  const { cors } = options;
  fastify.addHook('onRequest', async (request, reply) => {
    const result = cors.forRequest(request.method, (name) => nodeHeader(request.raw, name));
    setHeaders(reply, result.headers);
    if (result.preflight) return reply.code(204).send();
    return undefined;
  });
  // Without a route, Fastify would answer a preflight to a path with no OPTIONS route with 404 before the hook.
  fastify.route({ method: 'OPTIONS', url: '*', handler: async (_request, reply) => reply.code(204).send() });
});
