/**
 * A small route table: paths with `:param` segments, a handler per method. `HEAD` goes wherever `GET` goes; a
 * method a route does not take is a 405 problem with `Allow`. The matched pattern (not the raw path) labels the
 * request in the metrics and the request log, so ids in paths do not multiply the series.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '@infra/http-status';
import { sendJson } from '@infra/http-status/node';

/** What a handler gets. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type Handler = (ctx: RouteContext) => unknown;

interface Route {
  pattern: string;
  regex: RegExp;
  names: string[];
  methods: Map<string, Handler>;
}

const routeNames = new WeakMap<IncomingMessage, string>();

/** The route pattern a request matched, e.g. `/products/:id`; `undefined` before routing or when none did. */
export function routeOf(req: IncomingMessage): string | undefined {
  return routeNames.get(req);
}

/** Labels a request that a handler outside the table answered (probes, the storage handler). */
export function setRoute(req: IncomingMessage, pattern: string): void {
  routeNames.set(req, pattern);
}

const segment = '([A-Za-z0-9._~-]{1,128})';

export interface Router {
  add(pattern: string, methods: Record<string, Handler>): Router;
  /** Runs the matching handler: `false` when no route matches the path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export function createRouter(): Router {
  const routes: Route[] = [];
  const router: Router = {
    add(pattern, methods) {
      const names: string[] = [];
      const source = pattern.replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return segment;
      });
      routes.push({ pattern, regex: new RegExp(`^${source}$`), names, methods: new Map(Object.entries(methods)) });
      return router;
    },
    async handle(req, res, url) {
      for (const route of routes) {
        const match = route.regex.exec(url.pathname);
        if (!match) continue;
        routeNames.set(req, route.pattern);
        const method = req.method === 'HEAD' && route.methods.has('GET') ? 'GET' : (req.method ?? 'GET');
        const handler = route.methods.get(method);
        if (!handler) {
          const allowed = [...route.methods.keys()];
          throw HttpError.methodNotAllowed(undefined, {
            allow: allowed.includes('GET') ? [...new Set(['GET', 'HEAD', ...allowed])] : allowed,
          });
        }
        const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1] ?? '']));
        await handler({ req, res, url, params });
        return true;
      }
      return false;
    },
  };
  return router;
}

/**
 * Sends `body` as JSON. For HEAD, Node drops the body and, with it, Content-Length (and keep-alive):
 * the length is set here so HEAD carries the headers GET would.
 */
export function send(req: IncomingMessage, res: ServerResponse, body: unknown, status = 200): void {
  const headers: Record<string, string> =
    req.method === 'HEAD' ? { 'content-length': String(Buffer.byteLength(JSON.stringify(body))) } : {};
  res.statusCode = status;
  sendJson(res, body, { method: 'GET', headers, status });
}

/** The client's address, as the throttle and the rate limits count it. */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

const requestIds = new WeakMap<IncomingMessage, string>();

/** The request's id: the client's `X-Request-Id` when it is a plain token, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (id === undefined) {
    const given = req.headers['x-request-id'];
    id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    requestIds.set(req, id);
  }
  return id;
}
