import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { HTTPException } from 'hono/http-exception';
import { afterAll, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from '../src/hono/index.ts';
import { HttpError } from '../src/index.ts';
import { problemOf, wrap } from './support/http.ts';

const app = new Hono();
app.use('/admin/*', basicAuth({ username: 'admin', password: 'secret' }));
app.get('/admin/panel', (c) => c.text('hi'));
app.get('/orders/:id', (c) => {
  throw HttpError.notFound(`No order ${c.req.param('id')}`);
});
app.get('/exception', () => {
  throw new HTTPException(418 as 400, { message: 'teapot' });
});
app.get('/forbidden', () => {
  throw new HTTPException(403, { message: 'Not yours' });
});
app.get('/crash', () => {
  throw new Error('db password is hunter2');
});
app.post('/echo', async (c) => c.json(await c.req.json()));
app.onError(errorHandler({ instance: (c) => c.req.path, traceId: (c) => c.req.header('x-request-id') }));
app.notFound(notFoundHandler());

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
const listening = wrap(server);
afterAll(() => listening.close());

describe('@infra/http-status/hono over a real Hono server (@hono/node-server)', () => {
  it('answers thrown HttpErrors with problem+json', async () => {
    const result = await problemOf(await fetch(`${listening.url}/orders/5`, { headers: { 'x-request-id': 'abc' } }));
    expect(result).toMatchObject({ status: 404, type: 'application/problem+json' });
    expect(result.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No order 5',
      instance: '/orders/5',
      traceId: 'abc',
    });
  });

  it("answers Hono's HTTPException with its status and keeps basic auth's challenge", async () => {
    const forbidden = await problemOf(await fetch(`${listening.url}/forbidden`));
    expect(forbidden).toMatchObject({ status: 403, type: 'application/problem+json', body: { detail: 'Not yours' } });
    const admin = await fetch(`${listening.url}/admin/panel`);
    expect(admin.status).toBe(401);
    expect(admin.headers.get('content-type')).toBe('application/problem+json');
    expect(admin.headers.get('www-authenticate')).toMatch(/^Basic/);
    const unused = await problemOf(await fetch(`${listening.url}/exception`));
    expect(unused).toMatchObject({ status: 418, body: { title: 'Client Error', detail: 'teapot' } });
  });

  it('hides 5xx messages, answers bad JSON with 400 and unknown routes with 404', async () => {
    const crash = await fetch(`${listening.url}/crash`);
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('hunter2');
    const bad = await fetch(`${listening.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(await problemOf(bad)).toMatchObject({ status: 400, type: 'application/problem+json' });
    const missing = await problemOf(await fetch(`${listening.url}/nope`));
    expect(missing).toMatchObject({
      status: 404,
      type: 'application/problem+json',
      body: { detail: 'No route matches GET /nope.' },
    });
  });
});
