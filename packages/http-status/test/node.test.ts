import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpError, ok } from '../src/index.ts';
import { notFoundHandler, sendJson, withProblems } from '../src/node/index.ts';
import { listen, problemOf } from './support/http.ts';

const logged: { obj: object; msg: string | undefined }[] = [];
const ignore = () => {};
const logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: (obj: object, msg?: string) => logged.push({ obj, msg }),
};
const notFound = notFoundHandler({ instance: (request) => request.url });

const server = createServer(
  withProblems(
    async (request, response) => {
      const path = request.url?.split('?')[0];
      if (path === '/ok') return sendJson(response, ok({ hello: 'world' }));
      if (path === '/empty') return sendJson(response, ok(1), { status: 204 });
      if (path === '/missing') throw HttpError.notFound('No order 42');
      if (path === '/limited') throw HttpError.tooManyRequests('Slow down', { retryAfter: '30s' });
      if (path === '/crash') throw new Error('db password is hunter2');
      if (path === '/json') JSON.parse('{oops');
      if (path === '/half') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('partial');
        throw new Error('failed mid-stream');
      }
      return notFound(request, response);
    },
    {
      logger,
      traceId: (request) => request.headers['x-request-id'] as string | undefined,
      instance: (request) => request.url,
    },
  ),
);
const app = await listen(server);
afterAll(() => app.close());

describe('@infra/http-status/node over a real node:http server', () => {
  it('answers thrown HttpErrors with problem+json and their headers', async () => {
    const limited = await problemOf(await fetch(`${app.url}/limited`));
    expect(limited).toMatchObject({ status: 429, type: 'application/problem+json' });
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.body).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Slow down',
      instance: '/limited',
    });
    const missing = await problemOf(await fetch(`${app.url}/missing`, { headers: { 'x-request-id': 'r-1' } }));
    expect(missing.body).toMatchObject({ status: 404, detail: 'No order 42', traceId: 'r-1' });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const result = await problemOf(await fetch(`${app.url}/nowhere?x=1`));
    expect(result).toMatchObject({ status: 404, type: 'application/problem+json' });
    expect(result.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No route matches GET /nowhere.',
      instance: '/nowhere?x=1',
    });
  });

  it('hides 5xx messages and logs the error', async () => {
    const response = await fetch(`${app.url}/crash`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(text).not.toContain('hunter2');
    expect(logged.at(-1)).toMatchObject({ obj: { status: 500, path: '/crash' }, msg: 'request failed with 500' });
    const last = logged.at(-1)?.obj as { err?: Error } | undefined;
    expect(last?.err?.message).toBe('db password is hunter2');
  });

  it('turns a JSON SyntaxError into 400 and sends no body for HEAD', async () => {
    expect((await fetch(`${app.url}/json`)).status).toBe(400);
    const head = await fetch(`${app.url}/missing`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toBe('application/problem+json');
    expect(await head.text()).toBe('');
  });

  it('sends JSON envelopes, with no body for 204', async () => {
    const okResponse = await problemOf(await fetch(`${app.url}/ok`));
    expect(okResponse).toMatchObject({ status: 200, type: 'application/json', body: { data: { hello: 'world' } } });
    const empty = await problemOf(await fetch(`${app.url}/empty`));
    expect(empty).toMatchObject({ status: 204, body: undefined });
  });

  it('destroys a response that already started instead of ending it as if complete', async () => {
    const response = await fetch(`${app.url}/half`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('checks its options at construction', () => {
    expect(() => withProblems(() => {}, { traceId: 'x' as unknown as () => string })).toThrow(/traceId/);
    expect(() => withProblems(5 as unknown as () => void)).toThrow(/handler/);
  });
});
