/**
 * Issue 11, defect 9 (example part): HEAD is served wherever GET is, with the same headers and no
 * body; a method a known route does not take is a problem+json 405 with `Allow`, the probes included.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from './harness.ts';

const app = await startApp();
afterAll(() => app.close());

/** A request whose body is read raw: fetch cannot tell an empty body from none for HEAD. */
function send(
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const volatile = ['date', 'ratelimit', 'connection', 'keep-alive', 'x-request-id'];
const stable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !volatile.includes(name)));

describe('HEAD wherever GET', () => {
  for (const path of ['/', '/hello?name=ada', '/products/1', '/cache/stats', '/health/live', '/health/ready']) {
    it(`HEAD ${path} has GET's status and headers, and no body`, async () => {
      const get = await send('GET', path);
      const head = await send('HEAD', path);
      expect(get.body).not.toBe('');
      expect(head.status).toBe(get.status);
      expect(head.body).toBe('');
      expect(stable(head.headers)).toEqual(stable(get.headers));
    });
  }

  it('HEAD of an unknown route is the 404 a GET gets, without the body', async () => {
    const head = await send('HEAD', '/nope');
    expect(head.status).toBe(404);
    expect(head.headers['content-type']).toBe('application/problem+json');
    expect(head.body).toBe('');
  });
});

describe('a method a known route does not take', () => {
  const cases: [string, string, string][] = [
    ['POST', '/', 'GET, HEAD'],
    ['DELETE', '/hello', 'GET, HEAD'],
    ['PATCH', '/cache/stats', 'GET, HEAD'],
    ['DELETE', '/products/1', 'GET, HEAD, PUT'],
    ['POST', '/health/ready', 'GET, HEAD'],
    ['PUT', '/health/live', 'GET, HEAD'],
  ];
  for (const [method, path, allow] of cases) {
    it(`${method} ${path} is a problem+json 405 with Allow: ${allow}`, async () => {
      const res = await send(method, path);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 405, title: 'Method Not Allowed', instance: path });
    });
  }
});
