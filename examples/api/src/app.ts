/**
 * The routes. Errors of every kind leave as RFC 9457 problem+json through @infra/http-status:
 * an unknown route is a 404 problem, a thrown HttpError keeps its status, a zod error is a 422 with
 * JSON pointers, malformed JSON a 400, an error of an @infra package its own status (401 for a bad token,
 * 429 for a throttled login, 413/415 for a refused upload), and anything else a 500 whose detail never
 * shows the message. The API routes are rate-limited per client through @infra/cache and carry the
 * RateLimit headers. `HEAD` is answered wherever `GET` is; a method a route does not take is a 405
 * problem with `Allow`, on the probes too. Every response carries the security headers and, for an
 * allowed origin, the CORS headers (@infra/auth).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { withCors, withSecurityHeaders } from '@infra/auth/node';
import { rateLimitHeaders } from '@infra/cache';
import { HttpError, ok } from '@infra/http-status';
import { notFoundHandler, withProblems } from '@infra/http-status/node';
import * as z from 'zod';
import type { Auth } from './auth.ts';
import { addAuthRoutes } from './auth-routes.ts';
import { readJson } from './body.ts';
import type { Catalog, Product } from './catalog.ts';
import type { Guard } from './guard.ts';
import type { Logger } from './logger.ts';
import type { Notifier } from './notify.ts';
import { createRouter, type Router, requestIdOf, send, setRoute } from './router.ts';
import type { ServiceInfo, Services } from './services.ts';

export interface AppDeps {
  info: ServiceInfo;
  services: Services;
  catalog: Catalog;
  auth: Auth;
  guard: Guard;
  notify: Notifier;
  adminEmails: readonly string[];
  cookie: { name: string; secure: boolean };
  /** More routes (uploads, system endpoints, metrics), added after the built-in ones. */
  routes?: ((router: Router) => void)[];
  /** Requests that a handler outside the route table answers (the storage's signed URLs): `true` when handled. */
  mounts?: ((req: IncomingMessage, res: ServerResponse, url: URL) => boolean)[];
  /** Where 5xx errors are logged, with their message and stack. @default silent */
  logger?: Logger;
}

const productUpdate = z.object({
  name: z.string().trim().min(1).max(200),
  priceCents: z.number().int().nonnegative(),
});

const problemOptions = {
  instance: (req: IncomingMessage) => req.url?.split('?', 1)[0],
  traceId: (req: IncomingMessage) => requestIdOf(req),
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

  const router = createRouter()
    .add('/', {
      GET: ({ req, res }) => send(req, res, { name: info.name, version: info.version, backends: services.backends }),
    })
    .add('/hello', {
      GET: async ({ req, res, url }) => {
        await rateLimit(req, res);
        send(req, res, { message: `hello, ${url.searchParams.get('name') ?? 'world'}` });
      },
    })
    .add('/products/:id', {
      GET: async ({ req, res, params }) => {
        await rateLimit(req, res);
        send(req, res, ok(await getProduct(params.id ?? '')));
      },
      PUT: async ({ req, res, params }) => {
        const id = params.id ?? '';
        await rateLimit(req, res);
        const update = productUpdate.parse(await readJson(req));
        const product = await catalog.update(id, update);
        await products.delete(`product:${id}`); // every instance drops it too (cache bus)
        send(req, res, ok(product));
      },
    })
    .add('/cache/stats', {
      GET: ({ req, res }) =>
        send(req, res, { cache: cache.stats(), catalogReads: catalog.reads, rateLimiter: limiter.stats() }),
    });
  addAuthRoutes(router, {
    auth: deps.auth,
    guard: deps.guard,
    notify: deps.notify,
    cache,
    adminEmails: deps.adminEmails,
    cookie: deps.cookie,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  for (const add of deps.routes ?? []) add(router);

  const routes = withProblems(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (health.match(url.pathname) !== undefined) {
      setRoute(req, '/health');
      // The probes answer GET and HEAD; anything else is a problem+json 405 here.
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw HttpError.methodNotAllowed(undefined, { allow: ['GET', 'HEAD'] });
      }
      return health.listener(req, res);
    }
    for (const mount of deps.mounts ?? []) if (mount(req, res, url)) return;
    if (await router.handle(req, res, url)) return;
    notFound(req, res);
  }, options);

  const cors = deps.auth.cors;
  const secured = withSecurityHeaders(cors ? withCors(routes, { cors }) : routes, { headers: deps.auth.headers });
  return (req, res) => void secured(req, res);
}
