/**
 * Security headers and CORS through the node:http, Express, Fastify and Hono adapters on real servers: the
 * headers and the nonce the app sees, preflights answered, Vary: Origin kept, and a credentialed request from an
 * origin off the list answered without Access-Control-Allow-Origin.
 */
import { describe, expect, it } from 'vitest';
import { createCors, createSecurityHeaders } from '../src/index.ts';
import { frameworks, send, start } from './headers-servers.ts';

const headers = createSecurityHeaders();
const cors = createCors({ origins: ['https://app.example.com'], credentials: true, maxAge: '1h' });

describe.each(frameworks)('security headers on %s', (framework) => {
  it('sets every default header, and the CSP nonce is the one the app was given', async () => {
    const server = await start(framework, { headers });
    const response = await send(`${server.base}/page`);
    expect(response.status).toBe(200);
    for (const name of headers.names) expect(response.headers[name], name).toBeDefined();
    const { nonce } = JSON.parse(response.body) as { nonce: string };
    expect(response.headers['content-security-policy']).toContain(`'nonce-${nonce}'`);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe.each(frameworks)('CORS on %s', (framework) => {
  it('echoes a listed origin with credentials and Vary: Origin', async () => {
    const server = await start(framework, { cors });
    const response = await send(`${server.base}/page`, {
      headers: { origin: 'https://app.example.com', cookie: 'sid=1' },
    });
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers.vary).toMatch(/\bOrigin\b/);
  });

  it('gives a credentialed request from an origin off the list no Access-Control-Allow-Origin', async () => {
    const server = await start(framework, { cors });
    const response = await send(`${server.base}/page`, {
      headers: { origin: 'https://evil.example', cookie: 'sid=1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers.vary).toMatch(/\bOrigin\b/);
  });

  it('answers a preflight with 204, the allowed methods and max-age, without running the route', async () => {
    const server = await start(framework, { cors });
    const response = await send(`${server.base}/submit`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['access-control-allow-headers']).toBe('content-type');
    expect(response.headers['access-control-max-age']).toBe('3600');
    expect(response.body).toBe('');
  });

  it('answers a preflight from an origin off the list without CORS headers', async () => {
    const server = await start(framework, { cors });
    const response = await send(`${server.base}/submit`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-methods']).toBeUndefined();
  });
});
