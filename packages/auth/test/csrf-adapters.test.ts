/**
 * CSRF through the node:http, Express, Fastify and Hono adapters on real servers: a GET hands out a cookie and
 * token; a same-origin POST with it passes; a cross-site POST with browser headers, and a POST with a forged or
 * missing token, get a 403 problem+json with ERR_AUTH_CSRF_REJECTED.
 */
import { describe, expect, it } from 'vitest';
import { createCsrf } from '../src/index.ts';
import { frameworks, type RunningServer, send, start } from './headers-servers.ts';

const csrf = createCsrf({ secret: 'a-32-byte-secret-for-the-csrf-tests!' });

async function tokenFor(server: RunningServer, sid: string) {
  const page = await send(`${server.base}/page`, { headers: { cookie: `sid=${sid}` } });
  const cookie = (page.headers['set-cookie'] ?? [])[0] ?? '';
  const token = (JSON.parse(page.body) as { token: string }).token;
  return { token, cookie: cookie.split(';')[0] as string };
}

describe.each(frameworks)('CSRF adapter on %s', (framework) => {
  it('a GET sets the __Host-csrf cookie and exposes the same token to the app', async () => {
    const server = await start(framework, { csrf });
    const { token, cookie } = await tokenFor(server, 's1');
    expect(cookie).toBe(`__Host-csrf=${token}`);
    expect(csrf.valid(token, 's1')).toBe(true);
  });

  it('a same-origin POST with the token in a header passes', async () => {
    const server = await start(framework, { csrf });
    const { token, cookie } = await tokenFor(server, 's1');
    const response = await send(`${server.base}/submit`, {
      method: 'POST',
      headers: {
        origin: server.base,
        'sec-fetch-site': 'same-origin',
        cookie: `sid=s1; ${cookie}`,
        'x-csrf-token': token,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(response).toMatchObject({ status: 200, body: 'ok' });
  });

  it('a cross-site form POST (browser headers replayed) gets 403 problem+json', async () => {
    const server = await start(framework, { csrf });
    const { token, cookie } = await tokenFor(server, 's1');
    const response = await send(`${server.base}/submit`, {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        referer: 'https://evil.example/',
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        cookie: `sid=s1; ${cookie}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 403, code: 'ERR_AUTH_CSRF_REJECTED' });
  });

  it('a forged token gets 403', async () => {
    const server = await start(framework, { csrf });
    const forged = `${'x'.repeat(24)}.${'A'.repeat(43)}`;
    const response = await send(`${server.base}/submit`, {
      method: 'POST',
      headers: {
        origin: server.base,
        'sec-fetch-site': 'same-origin',
        cookie: `sid=s1; __Host-csrf=${forged}`,
        'x-csrf-token': forged,
      },
    });
    expect(response.status).toBe(403);
  });

  it('a missing token gets 403', async () => {
    const server = await start(framework, { csrf });
    const response = await send(`${server.base}/submit`, {
      method: 'POST',
      headers: { origin: server.base, 'sec-fetch-site': 'same-origin', cookie: 'sid=s1' },
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'ERR_AUTH_CSRF_REJECTED' });
  });
});

// node:http parses no body, so a form field is read by the frameworks that do.
describe.each(['express', 'fastify', 'hono'] as const)('CSRF adapter on %s, form field', (framework) => {
  it('a same-origin form POST with the token in the _csrf field passes', async () => {
    const server = await start(framework, { csrf });
    const { token, cookie } = await tokenFor(server, 's1');
    const response = await send(`${server.base}/submit`, {
      method: 'POST',
      headers: {
        origin: server.base,
        'sec-fetch-site': 'same-origin',
        cookie: `sid=s1; ${cookie}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `_csrf=${encodeURIComponent(token)}&name=x`,
    });
    expect(response).toMatchObject({ status: 200, body: 'ok' });
  });
});
