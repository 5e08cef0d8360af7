/**
 * The routes. Errors of every kind leave as RFC 9457 problem+json through @infra/http-status:
 * an unknown route is a 404 problem, a thrown HttpError keeps its status, a zod error is a 422 with
 * JSON pointers, malformed JSON a 400, and anything else a 500 whose detail never shows the message.
 * The API routes are rate-limited per client through @infra/cache and carry the RateLimit headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rateLimitHeaders } from '@infra/cache';
import { HttpError, ok } from '@infra/http-status';
import { notFoundHandler, sendJson, withProblems } from '@infra/http-status/node';
import * as z from 'zod';
import { readJson } from './body.ts';
import type { Catalog, Product } from './catalog.ts';
import type { ServiceInfo, Services } from './services.ts';

export interface AppDeps {
  info: ServiceInfo;
  services: Services;
  catalog: Catalog;
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
  const notFound = notFoundHandler(problemOptions);

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
    if (path === '/' && req.method === 'GET') {
      return sendJson(res, { name: info.name, version: info.version, backends: services.backends });
    }
    if (path === '/hello' && req.method === 'GET') {
      await rateLimit(req, res);
      return sendJson(res, { message: `hello, ${url.searchParams.get('name') ?? 'world'}` });
    }
    const match = /^\/products\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (match?.[1]) {
      const id = match[1];
      await rateLimit(req, res);
      if (req.method === 'GET') return sendJson(res, ok(await getProduct(id)));
      if (req.method === 'PUT') {
        const update = productUpdate.parse(await readJson(req));
        const product = await catalog.update(id, update);
        await products.delete(`product:${id}`); // every instance drops it too (cache bus)
        return sendJson(res, ok(product));
      }
      throw HttpError.methodNotAllowed(undefined, { allow: ['GET', 'PUT'] });
    }
    if (path === '/cache/stats' && req.method === 'GET') {
      return sendJson(res, { cache: cache.stats(), catalogReads: catalog.reads, rateLimiter: limiter.stats() });
    }
    notFound(req, res);
  }, problemOptions);

  // Probes first (/health, /health/live, /health/ready, /health/startup), then the routes.
  return (req, res) => {
    health.listener(req, res, () => void routes(req, res));
  };
}
