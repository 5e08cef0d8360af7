/**
 * HTTP plumbing shared by `health.handle` (fetch), `health.listener` (node:http) and the framework adapters:
 * path matching that ignores the query string, the request view `showDetails` sees, and writing a
 * `HealthResponse` out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidOption } from './errors.ts';
import { allowedMethod, methodNotAllowed } from './problem.ts';
import type { HealthRequestInfo, HealthResponse, HealthTarget } from './types.ts';

/** Endpoint paths, one per target. */
export interface HealthPaths {
  /** @default '/health/live' */
  liveness: string;
  /** @default '/health/ready' */
  readiness: string;
  /** @default '/health/startup' */
  startup: string;
  /** Every registered check. @default '/health' */
  health: string;
}

/** Who sees `checks` and `output`: everyone, no one, or requests the function approves (a token header). */
export type ShowDetails = 'always' | 'never' | ((request: HealthRequestInfo) => boolean | Promise<boolean>);

/** The smallest part of a health instance the HTTP helpers need. */
export interface HealthEndpoint {
  match(url: string): HealthTarget | undefined;
  respond(target: HealthTarget, request?: HealthRequestInfo): Promise<HealthResponse>;
}

const defaultPaths: HealthPaths = {
  liveness: '/health/live',
  readiness: '/health/ready',
  startup: '/health/startup',
  health: '/health',
};

/** The endpoint paths with defaults filled in, checked: each starts with '/', no two alike. */
export function resolvePaths(paths: Partial<HealthPaths>): Readonly<HealthPaths> {
  if (typeof paths !== 'object' || paths === null) throw invalidOption('paths', 'must be an object');
  const resolved = { ...defaultPaths };
  const seen = new Set<string>();
  for (const target of Object.keys(defaultPaths) as (keyof HealthPaths)[]) {
    const path = paths[target] ?? defaultPaths[target];
    if (typeof path !== 'string' || !path.startsWith('/') || /[?#]/.test(path)) {
      throw invalidOption(`paths.${target}`, `must be a path starting with '/', got ${JSON.stringify(path)}`);
    }
    if (seen.has(trimSlash(path))) throw invalidOption(`paths.${target}`, `repeats the path ${JSON.stringify(path)}`);
    seen.add(trimSlash(path));
    resolved[target] = path;
  }
  return Object.freeze(resolved);
}

/** Builds `match(url)`: the path part only (query and fragment dropped), one trailing slash tolerated. */
export function pathMatcher(paths: Readonly<HealthPaths>): (url: string) => HealthTarget | undefined {
  const table = new Map<string, HealthTarget>();
  for (const target of Object.keys(paths) as (keyof HealthPaths)[]) table.set(trimSlash(paths[target]), target);
  return (url) => table.get(trimSlash(pathOf(url)));
}

/** The path of a request target: `'/health/ready?x=1'` and `'http://h/health/ready#a'` give `'/health/ready'`. */
export function pathOf(url: string): string {
  let path = url;
  // Only an absolute URL has a scheme; '://' in a query string (`?next=http://x/y`) must not count.
  const schemeEnd = path.startsWith('/') ? -1 : path.indexOf('://');
  if (schemeEnd !== -1) {
    const slash = path.indexOf('/', schemeEnd + 3);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** The `showDetails` view of a fetch `Request`. */
export function fetchRequestInfo(request: Request): HealthRequestInfo {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
  };
}

/** The `showDetails` view of a node:http request (`originalUrl` first, for Express routers mounted on a path). */
export function nodeRequestInfo(req: IncomingMessage & { originalUrl?: string }): HealthRequestInfo {
  return {
    method: req.method ?? 'GET',
    url: req.originalUrl ?? req.url ?? '/',
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** `health.handle`: a fetch `Response` for the health paths, 404 for others, 405 for non-GET/HEAD methods. */
export async function fetchHandler(health: HealthEndpoint, request: Request): Promise<Response> {
  const info = fetchRequestInfo(request);
  const target = health.match(info.url);
  if (target === undefined)
    return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } });
  if (!allowedMethod(info.method)) {
    const refused = methodNotAllowed(info.method);
    return new Response(refused.body, { status: refused.status, headers: refused.headers });
  }
  const answer = await health.respond(target, info);
  return new Response(info.method === 'HEAD' ? null : answer.body, { status: answer.status, headers: answer.headers });
}

/** `health.listener`: serves the health paths on node:http; other paths go to `next` or get a 404. */
export function nodeListener(
  health: HealthEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
): void {
  const info = nodeRequestInfo(req);
  const target = health.match(info.url);
  if (target === undefined) {
    if (next !== undefined) {
      next();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return;
  }
  if (!allowedMethod(info.method)) {
    const refused = methodNotAllowed(info.method);
    res
      .writeHead(refused.status, { ...refused.headers, 'content-length': Buffer.byteLength(refused.body) })
      .end(refused.body);
    return;
  }
  health.respond(target, info).then(
    (answer) => writeNode(res, answer, info.method === 'HEAD'),
    (error: unknown) => {
      // respond() does not reject for failing checks; this is a bug or a bad target, not a health verdict.
      if (next !== undefined) {
        next(error);
        return;
      }
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    },
  );
}

/** Writes a `HealthResponse` to a node:http response. */
export function writeNode(res: ServerResponse, answer: HealthResponse, head = false): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(head ? undefined : answer.body);
}
