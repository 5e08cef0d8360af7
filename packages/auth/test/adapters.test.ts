/**
 * `requireAuth` on real servers: node:http, Express, Fastify and Hono (on @hono/node-server), each on a real
 * socket, driven with fetch. The same cases for each: no credentials, a good bearer token, an expired one, a
 * missing scope, a session cookie.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { HttpError, resolveProblem } from '@infra/http-status';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../../internal/src/test-clock.ts';
import { requireAuth as expressAuth } from '../src/express/index.ts';
import { requireAuth as fastifyAuth } from '../src/fastify/index.ts';
import { requireAuth as honoAuth } from '../src/hono/index.ts';
import {
  type AuthError,
  createKeyRing,
  createSessions,
  createTokens,
  memoryStore,
  sessionCookie,
} from '../src/index.ts';
import { type AuthenticatedRequest, requireAuth as nodeAuth } from '../src/node/index.ts';

const clock = createTestClock(Date.now());
const store = memoryStore();
const tokens = createTokens({
  issuer: 'https://id.test',
  audience: 'api',
  keys: createKeyRing({ store, clock }),
  store,
  clock,
});
const sessions = createSessions({ store, clock });
const options = { tokens, sessions, scope: 'read' };

type Start = () => Promise<{ url: string; close: () => Promise<void> }>;

function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/me`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

const servers: Record<string, Start> = {
  'node:http': () =>
    listen(createServer(nodeAuth(options, (req: AuthenticatedRequest, res) => res.end(JSON.stringify(req.auth))))),
  express: () => {
    const app = express();
    app.get('/me', expressAuth(options), (req, res) => {
      res.json((req as unknown as AuthenticatedRequest).auth);
    });
    return listen(createServer(app));
  },
  fastify: async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      await scope.register(fastifyAuth, options);
      scope.get('/me', async (request) => (request as unknown as AuthenticatedRequest).auth);
    });
    app.get('/open', async () => 'open');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `${url}/me`, close: () => app.close() };
  },
  hono: () => {
    const app = new Hono<{ Variables: { auth: unknown } }>();
    app.use('/me', honoAuth(options));
    app.get('/me', (c) => c.json(c.get('auth')));
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        resolve({
          url: `http://127.0.0.1:${info.port}/me`,
          close: () => new Promise((done) => server.close(() => done())),
        });
      });
    });
  },
};

for (const [name, start] of Object.entries(servers)) {
  describe(`requireAuth on ${name}`, () => {
    let url = '';
    let close: () => Promise<void> = async () => {};
    beforeAll(async () => {
      ({ url, close } = await start());
    });
    afterAll(() => close());

    it('answers a request without credentials 401 problem+json with a bare Bearer challenge', async () => {
      const response = await fetch(url);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({
        status: 401,
        title: 'Unauthorized',
        code: 'ERR_AUTH_TOKEN_INVALID',
      });
    });

    it('lets a valid bearer token with the scope through, with the principal on the request', async () => {
      const token = await tokens.issueAccessToken('user-7', { claims: { scope: 'read write' } });
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ type: 'bearer', userId: 'user-7', claims: { sub: 'user-7' } });
    });

    it('answers a forged bearer token 401 with error="invalid_token"', async () => {
      const token = await tokens.issueAccessToken('user-7', { claims: { scope: 'read' } });
      const response = await fetch(url, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    });

    it('answers a token without the required scope 403 with error="insufficient_scope"', async () => {
      const token = await tokens.issueAccessToken('user-7', { claims: { scope: 'write' } });
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", error_description="the token lacks a required scope", scope="read"',
      );
      expect(await response.json()).toMatchObject({ status: 403, code: 'ERR_AUTH_FORBIDDEN' });
    });

    it('lets a valid session cookie through as a session principal', async () => {
      const { token } = await sessions.start('user-9');
      const response = await fetch(url, { headers: { cookie: sessionCookie(token).split(';')[0] as string } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ type: 'session', userId: 'user-9' });
    });

    it('answers an unknown session cookie 401', async () => {
      const response = await fetch(url, { headers: { cookie: `__Host-session=${'A'.repeat(22)}.${'B'.repeat(43)}` } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'ERR_AUTH_SESSION_INVALID' });
    });
  });
}

describe('the problem body', () => {
  it("is what @infra/http-status's resolveProblem makes of the same AuthError, headers included", async () => {
    const { url, close } = await (servers['node:http'] as Start)();
    try {
      const token = await tokens.issueAccessToken('user-7', { claims: { scope: 'read' } });
      const forged = `${token.slice(0, -4)}AAAA`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${forged}` } });
      const error = (await tokens.verifyAccessToken(forged).catch((e: unknown) => e)) as AuthError;
      const expected = resolveProblem(error);
      expect(await response.json()).toEqual(expected.problem);
      expect(response.headers.get('www-authenticate')).toBe(expected.headers['www-authenticate']);
    } finally {
      await close();
    }
  });
});

describe('requireAuth on node:http when the wrapped listener throws', () => {
  const throwing = (error: unknown) =>
    listen(
      createServer(
        nodeAuth(options, async () => {
          throw error;
        }),
      ),
    );
  const call = async (url: string) => {
    const token = await tokens.issueAccessToken('user-7', { claims: { scope: 'read' } });
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    return [response.status, response.headers.get('content-type'), await response.json()];
  };

  it('answers an @infra 4xx (an HttpError) with its own status and detail, not a bare 500', async () => {
    const { url, close } = await throwing(HttpError.notFound('No order 42'));
    try {
      expect(await call(url)).toEqual([
        404,
        'application/problem+json',
        expect.objectContaining({ status: 404, title: 'Not Found', detail: 'No order 42' }),
      ]);
    } finally {
      await close();
    }
  });

  it('answers any other error with a 500 that shows nothing of it', async () => {
    const { url, close } = await throwing(new Error('db password in /etc/app'));
    try {
      expect(await call(url)).toEqual([
        500,
        'application/problem+json',
        { type: 'about:blank', title: 'Internal Server Error', status: 500 },
      ]);
    } finally {
      await close();
    }
  });
});
