/**
 * createCors: exact, pattern and function allow-lists; credentials never with `*` and never for an origin off the
 * list; `Vary: Origin` on every answer; preflights with max-age.
 */
import { describe, expect, it } from 'vitest';
import { createCors } from '../src/index.ts';

const header = (values: Record<string, string>) => (name: string) => values[name];

describe('createCors', () => {
  const cors = createCors({
    origins: [
      'https://app.example.com',
      /^https:\/\/[a-z0-9-]+\.preview\.example\.com$/,
      (o) => o === 'https://partner.test',
    ],
    credentials: true,
    exposedHeaders: ['X-Request-Id'],
  });

  it.each(['https://app.example.com', 'https://pr-42.preview.example.com', 'https://partner.test'])(
    'echoes the allowed origin %s with credentials',
    (origin) => {
      const { headers, allowed } = cors.forRequest('GET', header({ origin }));
      expect(allowed).toBe(true);
      expect(headers['access-control-allow-origin']).toBe(origin);
      expect(headers['access-control-allow-credentials']).toBe('true');
      expect(headers['access-control-expose-headers']).toBe('X-Request-Id');
    },
  );

  it.each([
    'https://evil.example',
    'https://app.example.com.evil.example',
    'http://app.example.com',
    'https://a.b.preview.example.com',
    'null',
  ])('gives %s no Access-Control-Allow-Origin and no credentials', (origin) => {
    const { headers, allowed } = cors.forRequest('GET', header({ origin, cookie: 'sid=1' }));
    expect(allowed).toBe(false);
    expect(headers['access-control-allow-origin']).toBeUndefined();
    expect(headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('sets Vary: Origin on every answer, allowed, refused or without Origin', () => {
    expect(cors.forRequest('GET', header({ origin: 'https://app.example.com' })).headers.vary).toBe('Origin');
    expect(cors.forRequest('GET', header({ origin: 'https://evil.example' })).headers.vary).toBe('Origin');
    expect(cors.forRequest('GET', header({})).headers.vary).toBe('Origin');
  });

  it('answers a preflight with methods, the requested headers and max-age', () => {
    const result = cors.forRequest(
      'OPTIONS',
      header({
        origin: 'https://app.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type, x-csrf-token',
      }),
    );
    expect(result.preflight).toBe(true);
    expect(result.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'access-control-allow-headers': 'content-type, x-csrf-token',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
  });

  it("answers '*' to anyone when credentials are off", () => {
    const open = createCors({ origins: '*' });
    expect(open.forRequest('GET', header({ origin: 'https://x.test' })).headers['access-control-allow-origin']).toBe(
      '*',
    );
  });

  it.each([
    [{ origins: '*', credentials: true }, 'origins'],
    [{ origins: [/app\.example\.com/] }, 'origins'],
    [{ origins: ['https://app.example.com/'] }, 'origins'],
    [{ origins: ['null'] }, 'origins'],
    [{ origins: [] }, 'origins'],
    [{ origins: 'https://a.test', methods: ['GET\r\nX: y'] }, 'methods'],
  ])('refuses %j naming %s', (options, name) => {
    expect(() => createCors(options as never)).toThrow(`Invalid option "${name}"`);
  });
});
