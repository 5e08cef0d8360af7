/** Hono adapter of CSRF protection; the token of a safe request is `c.get('csrfToken')`. Needs no import of Hono. */
import type { HonoContextLike, HonoSecurityMiddleware } from '../headers/hono.ts';
import { csrfStep } from './adapters.ts';
import type { CsrfAdapterOptions } from './node.ts';
import { problemResponse } from './problem.ts';

/** The form field of a urlencoded or multipart body, read from a copy so the handler can still read the body. */
async function formField(request: Request, field: string): Promise<string | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data'))
    return undefined;
  try {
    const value = (await request.clone().formData()).get(field);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses cross-site and token-less unsafe requests with a 403 problem+json; on safe ones sets `csrfToken`.
 *
 * @example app.use(csrfMiddleware({ csrf, sessionId: (c) => getCookie(c, 'sid') }))
 */
export function csrfMiddleware(options: CsrfAdapterOptions<HonoContextLike>): HonoSecurityMiddleware {
  const { csrf, sessionId } = options;
  return async (c, next) => {
    const request = c.req.raw;
    const header = (name: string) => request.headers.get(name) ?? undefined;
    const unsafe = !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(request.method);
    const bodyToken =
      unsafe && header(csrf.headerName) === undefined ? await formField(request, csrf.fieldName) : undefined;
    const step = csrfStep(csrf, request.method, header, sessionId?.(c) ?? '', bodyToken);
    if (!step.decision.ok) {
      const problem = problemResponse(csrf.error(step.decision.reason));
      return new Response(problem.body, { status: problem.status, headers: problem.headers });
    }
    if (step.token !== undefined) c.set('csrfToken' as never, step.token as never);
    await next();
    if (step.setCookie !== undefined) c.res.headers.append('set-cookie', step.setCookie);
    return undefined;
  };
}
