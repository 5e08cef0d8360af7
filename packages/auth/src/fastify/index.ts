/**
 * Fastify adapter: `await scope.register(requireAuth, options)` protects every route of the scope it is
 * registered in (an `onRequest` hook; the plugin skips Fastify's encapsulation, as fastify-plugin would), with
 * the principal on `request.auth`. Refusals are answered as problem+json (401 with `WWW-Authenticate`, 403);
 * any other failure goes to Fastify's error handler. Needs no import of Fastify.
 */
import type { IncomingMessage } from 'node:http';
import {
  createAuthenticator,
  isRefusal,
  type Principal,
  type RequireAuthOptions,
  refusalAnswer,
} from '../http/authenticate.ts';

export type { Principal, RequireAuthOptions } from '../http/authenticate.ts';

/** The part of a Fastify request the hook reads and writes. */
export interface FastifyAuthRequest {
  raw: IncomingMessage;
  auth?: Principal | null;
}

/** The part of a Fastify reply the hook writes. */
export interface FastifyAuthReply {
  code(status: number): FastifyAuthReply;
  headers(values: Record<string, string>): FastifyAuthReply;
  send(body: Uint8Array): unknown;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyAuthInstance {
  decorateRequest(name: 'auth', value: null): unknown;
  hasRequestDecorator(name: string): boolean;
  addHook(name: 'onRequest', hook: (request: FastifyAuthRequest, reply: FastifyAuthReply) => Promise<unknown>): unknown;
}

/**
 * A Fastify plugin requiring a bearer token or a session cookie on the routes of its scope.
 *
 * @example await app.register(async (api) => { await api.register(requireAuth, { tokens }); api.get('/me', ...) })
 */
export async function requireAuth(fastify: FastifyAuthInstance, options: RequireAuthOptions): Promise<void> {
  const authenticator = createAuthenticator(options);
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);
  fastify.addHook('onRequest', async (request, reply) => {
    try {
      request.auth = await authenticator.authenticate({
        authorization: request.raw.headers.authorization,
        cookie: request.raw.headers.cookie,
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const answer = refusalAnswer(error);
      // Bytes go out as they are; a string would get "; charset=utf-8" appended to the media type.
      return reply.code(answer.status).headers(answer.headers).send(Buffer.from(answer.body));
    }
    return undefined;
  });
}

// fastify-plugin's marks, set by hand: the hook then applies to the scope that registers the plugin.
Object.assign(requireAuth, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@infra/auth',
});

// CSRF, security headers and CORS for Fastify (plugins that apply to the whole instance).
export { csrfPlugin, type FastifyCsrfRequestLike } from '../csrf/fastify.ts';
export { corsPlugin, securityHeadersPlugin } from '../headers/fastify.ts';
export { cspNonceOf, csrfTokenOf } from '../headers/http.ts';
