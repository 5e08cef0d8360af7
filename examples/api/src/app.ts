/**
 * The routes. Errors of every kind leave as RFC 9457 problem+json through @infra/http-status:
 * an unknown route is a 404 problem, a thrown HttpError keeps its status, a zod error is a 422 with
 * JSON pointers, malformed JSON a 400, and anything else a 500 whose detail never shows the message.
 * The API routes are rate-limited per client through @infra/cache and carry the RateLimit headers.
 * `HEAD` is answered wherever `GET` is, with the same headers and no body; a method a route does not
 * take is a 405 problem with `Allow`, on the probes too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rateLimitHeaders } from '@infra/cache';
import { HttpError, ok } from '@infra/http-status';
import { notFoundHandler, sendJson, withProblems } from '@infra/http-status/node';
import * as z from 'zod';
import { readJson } from './body.ts';
import type { Catalog, Product } from './catalog.ts';
import type { Logger } from './logger.ts';
import type { ServiceInfo, Services } from './services.ts';

export interface AppDeps {
  info: ServiceInfo;
  services: Services;
  catalog: Catalog;
  /** Where 5xx errors are logged, with their message and stack. @default silent */
  logger?: Logger;
}

const readOnly = ['GET', 'HEAD'];

/**
 * Sends `body` as JSON. For HEAD, Node drops the body and, with it, Content-Length (and keep-alive):
 * the length is set here so HEAD carries the headers GET would.
 */
function send(req: IncomingMessage, res: ServerResponse, body: unknown): void {
  const headers: Record<string, string> =
    req.method === 'HEAD' ? { 'content-length': String(Buffer.byteLength(JSON.stringify(body))) } : {};
  sendJson(res, body, { method: 'GET', headers });
}

/** The route's methods, or a 405 problem with `Allow` for any other. HEAD goes wherever GET goes. */
function allow(req: IncomingMessage, methods: readonly string[]): string {
  const method = req.method === 'HEAD' && methods.includes('GET') ? 'GET' : (req.method ?? 'GET');
  if (!methods.includes(method)) {
    const allowed = methods.includes('GET') ? [...new Set(['GET', 'HEAD', ...methods])] : [...methods];
    throw HttpError.methodNotAllowed(undefined, { allow: allowed });
  }
  return method;
}

const productUpdate = z.object({
  name: z.string().trim().min(1).max(200),
  priceCents: z.number().int().nonnegative(),
});

const problemOptions = {
  instance: (req: IncomingMessage) => req.url?.split('?', 1)[0],
  traceId: (req: IncomingMessage) => {
    const id = req.headers['x-request-id'];
    return typeof id === 'string' ? id : undefined;
  },
};

export function createApp(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { info, services, catalog } = deps;
  const { cache, limiter, health } = services;
  const products = cache.namespace('products');
  const options = deps.logger ? { ...problemOptions, logger: deps.logger } : problemOptions;
  const notFound = notFoundHandler(options);

  /** Consumes one request of the client's quota; sets the headers, and throws 429 when it is spent. */
  async function rateLimit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    const result = await limiter.consume(client);
    for (const [name, value] of Object.entries(rateLimitHeaders(result))) res.setHeader(name, value);
    if (!result.allowed) {
      throw HttpError.tooManyRequests('Too many requests from this client; see the RateLimit headers', {
        retryAfter: result.retryAfterMs,
      });
    }
  }

  async function getProduct(id: string): Promise<Product> {
    const product = await products.getOrSet<Product | null>(`product:${id}`, async (ctx) => {
      const found = await catalog.find(id);
      if (!found) ctx.skip(); // do not cache a miss: the product may be created later
      return found ?? null;
    });
    if (!product) throw HttpError.notFound(`There is no product ${JSON.stringify(id)}`);
    return product;
  }

  const routes = withProblems(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (health.match(path) !== undefined) {
      allow(req, readOnly); // the probes answer GET and HEAD; anything else is a problem+json 405 here
      return health.listener(req, res);
    }
    if (path === '/') {
      allow(req, readOnly);
      return send(req, res, { name: info.name, version: info.version, backends: services.backends });
    }
    if (path === '/hello') {
      allow(req, readOnly);
      await rateLimit(req, res);
      return send(req, res, { message: `hello, ${url.searchParams.get('name') ?? 'world'}` });
    }
    const match = /^\/products\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (match?.[1]) {
      const id = match[1];
      const method = allow(req, ['GET', 'PUT']);
      await rateLimit(req, res);
      if (method === 'GET') return send(req, res, ok(await getProduct(id)));
      const update = productUpdate.parse(await readJson(req));
      const product = await catalog.update(id, update);
      await products.delete(`product:${id}`); // every instance drops it too (cache bus)
      return send(req, res, ok(product));
    }
    if (path === '/cache/stats') {
      allow(req, readOnly);
      return send(req, res, { cache: cache.stats(), catalogReads: catalog.reads, rateLimiter: limiter.stats() });
    }
    notFound(req, res);
  }, options);

  return (req, res) => void routes(req, res);
}
