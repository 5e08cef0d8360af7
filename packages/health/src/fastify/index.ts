/**
 * Fastify adapter: `await app.register(healthPlugin(health))` adds a GET route (HEAD comes with it) for each of
 * `health.paths`. Fastify matches routes without the query string. Needs no import of Fastify.
 */
import type { IncomingMessage } from 'node:http';
import type { Health } from '../health.ts';
import { nodeRequestInfo } from '../http.ts';
import type { HealthTarget } from '../types.ts';

/** The part of a Fastify request the routes read. */
export interface FastifyRequestLike {
  raw: IncomingMessage;
}

/** The part of a Fastify reply the routes write. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyLike {
  route(options: {
    method: string;
    url: string;
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<string>;
  }): unknown;
}

/**
 * A Fastify plugin serving the health endpoints at `health.paths`.
 *
 * @example await app.register(healthPlugin(health))
 */
export function healthPlugin(health: Pick<Health, 'paths' | 'respond'>): (fastify: FastifyLike) => Promise<void> {
  return async (fastify) => {
    for (const [target, url] of Object.entries(health.paths) as [HealthTarget, string][]) {
      fastify.route({
        method: 'GET',
        url,
        handler: async (request, reply) => {
          const answer = await health.respond(target, nodeRequestInfo(request.raw));
          reply.code(answer.status).headers(answer.headers);
          return answer.body;
        },
      });
    }
  };
}
