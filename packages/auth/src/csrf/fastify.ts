/**
 * Fastify adapter of CSRF protection: `app.register(csrfPlugin, { csrf, sessionId })`, applying to the whole
 * instance. Runs in `preHandler`, after Fastify parsed the body, so a form's `_csrf` field is read.
 */

import type { FastifyRequestLike as BaseRequest, FastifyReplyLike } from '../headers/fastify.ts';
import { nodeHeader, rememberToken } from '../headers/http.ts';
import { csrfStep, fieldOf } from './adapters.ts';
import type { CsrfAdapterOptions } from './node.ts';
import { problemResponse } from './problem.ts';

/** The part of a Fastify request the hook reads. */
export interface FastifyCsrfRequestLike extends BaseRequest {
  body?: unknown;
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyCsrfLike {
  addHook(
    name: 'preHandler',
    hook: (request: FastifyCsrfRequestLike, reply: FastifyReplyLike) => Promise<unknown>,
  ): unknown;
}

async function plugin(fastify: FastifyCsrfLike, options: CsrfAdapterOptions<FastifyCsrfRequestLike>): Promise<void> {
  const { csrf, sessionId } = options;
  fastify.addHook('preHandler', async (request, reply) => {
    const step = csrfStep(
      csrf,
      request.method,
      (name) => nodeHeader(request.raw, name),
      sessionId?.(request) ?? '',
      fieldOf(request.body, csrf.fieldName),
    );
    if (!step.decision.ok) {
      const problem = problemResponse(csrf.error(step.decision.reason));
      reply.code(problem.status);
      for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
      // A Buffer goes out as is; a string would get "; charset=utf-8" appended to the media type.
      return reply.send(Buffer.from(problem.body));
    }
    if (step.setCookie !== undefined) reply.header('set-cookie', step.setCookie);
    if (step.token !== undefined) rememberToken(reply.raw, step.token);
    return undefined;
  });
}

/**
 * CSRF protection for a Fastify instance; the token of a safe request is `csrfTokenOf(reply.raw)`.
 *
 * @example await app.register(csrfPlugin, { csrf, sessionId: (request) => request.session?.id })
 */
export const csrfPlugin: typeof plugin & { [key: symbol]: unknown } = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
});
