import { createServer } from 'node:http';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorHandler, notFoundHandler } from '../src/express/index.ts';
import { HttpError, ok } from '../src/index.ts';
import { listen, problemOf } from './support/http.ts';

const app = express();
app.use(express.json());
app.get('/orders/:id', (request) => {
  throw HttpError.notFound(`No order ${request.params.id}`);
});
app.get('/async', async () => {
  await Promise.resolve();
  throw new Error('db password is hunter2');
});
app.post('/users', (request, response) => {
  const user = z.object({ name: z.string(), address: z.object({ zip: z.string().length(5) }) }).parse(request.body);
  response.status(201).json(ok(user));
});
app.get('/unauthorized', () => {
  throw HttpError.unauthorized('Token expired', { wwwAuthenticate: 'Bearer error="invalid_token"' });
});
app.use(notFoundHandler());
app.use(errorHandler({ instance: (request) => request.originalUrl }));

const server = await listen(createServer(app));
afterAll(() => server.close());

describe('@infra/http-status/express over a real Express 5 server', () => {
  it('answers thrown HttpErrors with problem+json', async () => {
    const result = await problemOf(await fetch(`${server.url}/orders/7`));
    expect(result).toMatchObject({ status: 404, type: 'application/problem+json' });
    expect(result.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No order 7',
      instance: '/orders/7',
    });
  });

  it('answers rejected async handlers with a generic 500', async () => {
    const response = await fetch(`${server.url}/async`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(text).not.toContain('hunter2');
  });

  it('answers zod failures with 422 and JSON pointers', async () => {
    const response = await fetch(`${server.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada', address: { zip: '123' } }),
    });
    const result = await problemOf(response);
    expect(result).toMatchObject({ status: 422, type: 'application/problem+json' });
    expect(result.body).toMatchObject({ title: 'Unprocessable Content', errors: [{ pointer: '#/address/zip' }] });
  });

  it('answers malformed JSON bodies (body-parser errors) with 400', async () => {
    const response = await fetch(`${server.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    const result = await problemOf(response);
    expect(result).toMatchObject({ status: 400, type: 'application/problem+json', body: { title: 'Bad Request' } });
  });

  it('keeps WWW-Authenticate on 401 and answers unknown routes with 404', async () => {
    const unauthorized = await fetch(`${server.url}/unauthorized`);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const missing = await problemOf(await fetch(`${server.url}/nope`, { method: 'DELETE' }));
    expect(missing).toMatchObject({
      status: 404,
      type: 'application/problem+json',
      body: { detail: 'No route matches DELETE /nope.' },
    });
  });

  it('is recognised by Express as error middleware (four parameters)', () => {
    expect(errorHandler().length).toBe(4);
  });
});
