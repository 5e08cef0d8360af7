/**
 * Fastify adapter: `await app.register(healthPlugin, { health })` adds a GET route (HEAD comes with it) for each of
 * `health.paths`, and a 405 problem+json for the other methods there. Fastify matches routes without the query
 * string. Needs no import of Fastify.
 */
import type { IncomingMessage } from 'node:http';
import { invalidOption } from '../errors.ts';
import type { Health } from '../health.ts';
import { nodeRequestInfo } from '../http.ts';
import { methodNotAllowed } from '../problem.ts';
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
    method: string | string[];
    url: string;
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<Buffer>;
  }): unknown;
}

/** The part of a health instance the plugin serves. */
export type PluginHealth = Pick<Health, 'paths' | 'respond'>;

/** Options of {@link healthPlugin}. */
export interface HealthPluginOptions {
  /** The health instance to serve. Required. */
  health: PluginHealth;
}

/** What the deprecated factory form `healthPlugin(health)` returns: a plugin taking no options. */
export type HealthPluginFunction = (fastify: FastifyLike) => Promise<void>;

// Methods Fastify routes besides GET and HEAD (HEAD comes with GET), answered with 405 on the health paths.
const refusedMethods = ['DELETE', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * A Fastify plugin serving the health endpoints at `health.paths`: `app.register(healthPlugin, { health })`.
 *
 * @example await app.register(healthPlugin, { health })
 */
export function healthPlugin(fastify: FastifyLike, options: HealthPluginOptions): Promise<void>;
/**
 * @deprecated Register the plugin with options, `app.register(healthPlugin, { health })`, as every `@infra` Fastify
 * adapter is; this factory form goes in the next minor version.
 */
export function healthPlugin(health: PluginHealth): HealthPluginFunction;
export function healthPlugin(
  first: FastifyLike | PluginHealth,
  options?: HealthPluginOptions,
): Promise<void> | HealthPluginFunction {
  if (isHealth(first)) return async (fastify) => addRoutes(fastify, first);
  const health = options?.health;
  if (!isHealth(health)) {
    return Promise.reject(invalidOption('health', 'must be a health instance: app.register(healthPlugin, { health })'));
  }
  addRoutes(first, health);
  return Promise.resolve();
}

function addRoutes(fastify: FastifyLike, health: PluginHealth): void {
  for (const [target, url] of Object.entries(health.paths) as [HealthTarget, string][]) {
    fastify.route({
      method: 'GET',
      url,
      handler: async (request, reply) => {
        const answer = await health.respond(target, nodeRequestInfo(request.raw));
        reply.code(answer.status).headers(answer.headers);
        // A Buffer goes out as is; a string would get "; charset=utf-8" appended to the media type.
        return Buffer.from(answer.body);
      },
    });
    fastify.route({
      method: refusedMethods,
      url,
      handler: async (request, reply) => {
        const refused = methodNotAllowed(request.raw.method ?? 'POST');
        reply.code(refused.status).headers(refused.headers);
        return Buffer.from(refused.body);
      },
    });
  }
}

function isHealth(value: unknown): value is PluginHealth {
  const candidate = value as Partial<PluginHealth> | null | undefined;
  return typeof candidate?.respond === 'function' && typeof candidate.paths === 'object';
}
