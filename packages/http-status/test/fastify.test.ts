import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { errorHandler, problemPlugin } from '../src/fastify/index.ts';
import { HttpError } from '../src/index.ts';
import { problemOf } from './support/http.ts';

const app = Fastify();
await app.register(problemPlugin, { traceId: (request) => request.id });
// problemPlugin skips encapsulation: its handlers serve the root routes below and this child context.
await app.register(async (child) => {
  child.get('/orders/:id', async (request) => {
    throw HttpError.gone(`Order ${(request.params as { id: string }).id} was deleted`);
  });
});
app.get('/crash', async () => {
  throw new Error('db password is hunter2');
});
app.get('/busy', async () => {
  throw HttpError.serviceUnavailable('Maintenance', { retryAfter: 120_000, expose: true });
});
app.post(
  '/users',
  {
    schema: {
      body: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, age: { type: 'integer' } } },
    },
  },
  async () => ({ ok: true }),
);
const url = await app.listen({ port: 0, host: '127.0.0.1' });
afterAll(() => app.close());

describe('@infra/http-status/fastify over a real Fastify 5 server', () => {
  it('answers thrown HttpErrors with problem+json, with the request id as traceId', async () => {
    const result = await problemOf(await fetch(`${url}/orders/3`));
    expect(result).toMatchObject({ status: 410, type: 'application/problem+json' });
    expect(result.body).toEqual({
      type: 'about:blank',
      title: 'Gone',
      status: 410,
      detail: 'Order 3 was deleted',
      traceId: expect.stringMatching(/^req-/),
    });
  });

  it('answers schema validation failures with 400 and pointers', async () => {
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ age: 1.5 }),
    });
    const result = await problemOf(response);
    expect(result).toMatchObject({ status: 400, type: 'application/problem+json' });
    expect(result.body).toMatchObject({ code: 'FST_ERR_VALIDATION', errors: [{ pointer: '#/name' }] });
  });

  it('answers malformed JSON with 400', async () => {
    const response = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(await problemOf(response)).toMatchObject({ status: 400, type: 'application/problem+json' });
  });

  it('hides 5xx messages, keeps Retry-After, answers unknown routes with 404', async () => {
    const crash = await fetch(`${url}/crash`);
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('hunter2');
    const busy = await problemOf(await fetch(`${url}/busy`));
    expect(busy).toMatchObject({ status: 503, body: { detail: 'Maintenance' } });
    expect(busy.headers.get('retry-after')).toBe('120');
    const missing = await problemOf(await fetch(`${url}/nope`));
    expect(missing).toMatchObject({
      status: 404,
      type: 'application/problem+json',
      body: { detail: 'No route matches GET /nope.' },
    });
  });

  it('sends no body for HEAD', async () => {
    const head = await fetch(`${url}/orders/3`, { method: 'HEAD' });
    expect(head.status).toBe(410);
    expect(await head.text()).toBe('');
  });

  it('offers the handlers alone for setErrorHandler', async () => {
    const other = Fastify();
    other.setErrorHandler(errorHandler());
    other.get('/', async () => {
      throw HttpError.conflict('Already exists');
    });
    const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const result = await problemOf(await fetch(otherUrl));
      expect(result).toMatchObject({
        status: 409,
        type: 'application/problem+json',
        body: { detail: 'Already exists' },
      });
    } finally {
      await other.close();
    }
  });
});
