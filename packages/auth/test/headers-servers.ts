/**
 * The four adapters on real servers (node:http, Express 5, Fastify 5, Hono 4 on @hono/node-server), each with the
 * same routes: `GET /page` answers `{ nonce, token }` (the CSP nonce and CSRF token the adapters expose), `POST
 * /submit` answers `ok`. Requests go out through `node:http`, so every header (Origin, Sec-Fetch-*) is sent as given.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach } from 'vitest';
import type { Csrf } from '../src/csrf/csrf.ts';
import { csrfMiddleware as expressCsrf } from '../src/csrf/express.ts';
import { csrfPlugin } from '../src/csrf/fastify.ts';
import { csrfMiddleware as honoCsrf } from '../src/csrf/hono.ts';
import { withCsrf } from '../src/csrf/node.ts';
import { corsMiddleware as expressCors, securityHeadersMiddleware as expressHeaders } from '../src/headers/express.ts';
import { corsPlugin, securityHeadersPlugin } from '../src/headers/fastify.ts';
import { corsMiddleware as honoCors, securityHeadersMiddleware as honoHeaders } from '../src/headers/hono.ts';
import { withCors, withSecurityHeaders } from '../src/headers/node.ts';
import { type Cors, cspNonceOf, csrfTokenOf, type SecurityHeaders } from '../src/index.ts';

/** What the servers are given. */
export interface Protections {
  headers?: SecurityHeaders;
  cors?: Cors;
  csrf?: Csrf;
}

/** A running server of one framework. */
export interface RunningServer {
  framework: string;
  base: string;
  host: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

// The session a test's requests belong to: the `sid` cookie.
function sid(cookie: string | undefined): string {
  return /(?:^|;\s*)sid=([^;]+)/.exec(cookie ?? '')?.[1] ?? '';
}

function listenNode(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeNode(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function nodeServer(p: Protections): Promise<number> {
  let handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    if (req.method === 'GET') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ nonce: cspNonceOf(res) ?? null, token: csrfTokenOf(res) ?? null }));
    } else {
      req.resume();
      res.end('ok');
    }
  };
  if (p.csrf)
    handler = withCsrf(handler, { csrf: p.csrf, sessionId: (req) => sid(req.headers.cookie) }) as typeof handler;
  if (p.headers) handler = withSecurityHeaders(handler, { headers: p.headers }) as typeof handler;
  if (p.cors) handler = withCors(handler, { cors: p.cors }) as typeof handler;
  const server = createServer(handler);
  closers.push(() => closeNode(server));
  return listenNode(server);
}

async function expressServer(p: Protections): Promise<number> {
  const app = express();
  if (p.cors) app.use(expressCors({ cors: p.cors }));
  if (p.headers) app.use(expressHeaders({ headers: p.headers }));
  app.use(express.urlencoded({ extended: false }));
  if (p.csrf) app.use(expressCsrf({ csrf: p.csrf, sessionId: (req) => sid(req.headers.cookie as string | undefined) }));
  app.get('/page', (_req, res) => {
    res.json({ nonce: res.locals.cspNonce ?? null, token: res.locals.csrfToken ?? null });
  });
  app.post('/submit', (_req, res) => {
    res.send('ok');
  });
  const server = createServer(app);
  closers.push(() => closeNode(server));
  return listenNode(server);
}

async function fastifyServer(p: Protections): Promise<number> {
  const app = Fastify();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  if (p.cors) await app.register(corsPlugin, { cors: p.cors });
  if (p.headers) await app.register(securityHeadersPlugin, { headers: p.headers });
  if (p.csrf)
    await app.register(csrfPlugin, {
      csrf: p.csrf,
      sessionId: (request) => sid(request.raw.headers.cookie as string | undefined),
    });
  app.get('/page', async (_request, reply) => ({
    nonce: cspNonceOf(reply.raw) ?? null,
    token: csrfTokenOf(reply.raw) ?? null,
  }));
  app.post('/submit', async () => 'ok');
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return (app.server.address() as AddressInfo).port;
}

async function honoServer(p: Protections): Promise<number> {
  const app = new Hono<{ Variables: { cspNonce: string; csrfToken: string } }>();
  if (p.cors) app.use(honoCors({ cors: p.cors }));
  if (p.headers) app.use(honoHeaders({ headers: p.headers }));
  if (p.csrf) app.use(honoCsrf({ csrf: p.csrf, sessionId: (c) => sid(c.req.raw.headers.get('cookie') ?? undefined) }));
  app.get('/page', (c) => c.json({ nonce: c.get('cspNonce') ?? null, token: c.get('csrfToken') ?? null }));
  app.post('/submit', (c) => c.text('ok'));
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    closers.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
    );
  });
}

export const frameworks = ['node:http', 'express', 'fastify', 'hono'] as const;

/** Starts `framework` with `protections`. */
export async function start(framework: (typeof frameworks)[number], protections: Protections): Promise<RunningServer> {
  const port = await { 'node:http': nodeServer, express: expressServer, fastify: fastifyServer, hono: honoServer }[
    framework
  ](protections);
  return { framework, base: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
}

/** One exchange over `node:http`, headers exactly as given. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
