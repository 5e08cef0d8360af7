import { describe, expect, it } from 'vitest';
import { HttpError, HttpStatusError, isHttpError, REGISTRY, toProblem } from '../src/index.ts';

/** `CONTENT_TOO_LARGE`-style name of a phrase, camel-cased: `Content Too Large` → `contentTooLarge`. */
function factoryName(phrase: string): string {
  const words = phrase
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.map((word, i) => (i === 0 ? word : word[0]?.toUpperCase() + word.slice(1))).join('');
}

type Factory = (detail?: string) => HttpError;

describe('HttpError', () => {
  it('has a factory for every assigned 4xx and 5xx code', () => {
    const errorCodes = REGISTRY.filter((row) => row.code >= 400 && row.phrase !== undefined);
    expect(errorCodes.length).toBe(39);
    for (const { code, phrase } of errorCodes) {
      const name = factoryName(phrase ?? '');
      const factory = (HttpError as unknown as Record<string, Factory | undefined>)[name];
      expect(typeof factory, `HttpError.${name}`).toBe('function');
      const error = factory?.call(HttpError, 'why');
      expect(error?.status).toBe(code);
      expect(error?.title).toBe(phrase);
      expect(error?.detail).toBe('why');
    }
  });

  it('carries status, title, detail, type, instance, cause and extensions', () => {
    const cause = new Error('root');
    const error = HttpError.conflict('Order 7 was already paid', {
      type: 'https://example.com/probs/already-paid',
      title: 'Already paid',
      instance: '/orders/7',
      cause,
      extensions: { orderId: 7 },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'HttpError',
      message: 'Order 7 was already paid',
      status: 409,
      title: 'Already paid',
      detail: 'Order 7 was already paid',
      type: 'https://example.com/probs/already-paid',
      instance: '/orders/7',
      expose: true,
      extensions: { orderId: 7 },
    });
    expect(error.cause).toBe(cause);
  });

  it('exposes detail by default below 500 only', () => {
    expect(HttpError.badRequest().expose).toBe(true);
    expect(HttpError.internalServerError().expose).toBe(false);
    expect(HttpError.badGateway('x', { expose: true }).expose).toBe(true);
    expect(HttpError.notFound('x', { expose: false }).expose).toBe(false);
  });

  it('uses the reason phrase as title and message when there is no detail', () => {
    const error = new HttpError(404);
    expect(error.title).toBe('Not Found');
    expect(error.message).toBe('Not Found');
    expect(new HttpError(499).title).toBe('Client Error');
    expect(new HttpError(599).title).toBe('Server Error');
  });

  it('sets WWW-Authenticate, Allow and Retry-After when given', () => {
    expect(HttpError.unauthorized('x', { wwwAuthenticate: 'Bearer realm="api"' }).headers).toEqual({
      'www-authenticate': 'Bearer realm="api"',
    });
    expect(HttpError.methodNotAllowed(undefined, { allow: ['GET', 'HEAD'] }).headers).toEqual({ allow: 'GET, HEAD' });
    expect(HttpError.tooManyRequests(undefined, { retryAfter: 1500 }).headers).toEqual({ 'retry-after': '2' });
    expect(HttpError.serviceUnavailable(undefined, { retryAfter: '5m' }).headers).toEqual({ 'retry-after': '300' });
    expect(HttpError.serviceUnavailable(undefined, { retryAfter: '1h30m' }).headers).toEqual({ 'retry-after': '5400' });
    expect(HttpError.serviceUnavailable(undefined, { retryAfter: '1m 0.5s' }).headers).toEqual({ 'retry-after': '61' });
    const date = new Date(Date.UTC(2030, 0, 1));
    expect(HttpError.serviceUnavailable(undefined, { retryAfter: date }).headers).toEqual({
      'retry-after': 'Tue, 01 Jan 2030 00:00:00 GMT',
    });
    expect(HttpError.notFound().headers).toEqual({});
    expect(new HttpError(400, 'x', { headers: { 'X-Thing': 'a' } }).headers).toEqual({ 'x-thing': 'a' });
  });

  it('rejects bad arguments at once, naming them', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof HttpStatusError ? `${error.code} ${error.message}` : 'not an HttpStatusError';
      }
      return 'no error';
    };
    expect(code(() => new HttpError(200))).toMatch(/^ERR_HTTP_STATUS_INVALID_STATUS status:/);
    expect(code(() => new HttpError(404.5))).toMatch(/^ERR_HTTP_STATUS_INVALID_STATUS/);
    expect(code(() => new HttpError(404, 'x', { title: 'Gone fishing' }))).toMatch(
      /INVALID_OPTION Invalid option "title": /,
    );
    expect(code(() => new HttpError(404, 'x', { extensions: { status: 500 } }))).toMatch(
      /Invalid option "extensions\.status": /,
    );
    expect(code(() => new HttpError(429, 'x', { retryAfter: -1 }))).toMatch(/Invalid option "retryAfter": /);
    expect(code(() => new HttpError(429, 'x', { retryAfter: 'soon' as '1s' }))).toMatch(
      /Invalid option "retryAfter": /,
    );
    expect(code(() => new HttpError(429, 'x', { retryAfter: '5x' as '5s' }))).toBe(
      'ERR_HTTP_STATUS_INVALID_OPTION Invalid option "retryAfter": unknown duration unit "x" in "5x" (units are ms, s, m, h and d)',
    );
    expect(code(() => new HttpError(401, 'x', { wwwAuthenticate: '' }))).toMatch(/Invalid option "wwwAuthenticate": /);
    expect(code(() => new HttpError(404, 'x', { type: '' }))).toMatch(/Invalid option "type": /);
    expect(code(() => new HttpError(404, 'x', { headers: { a: 1 as unknown as string } }))).toMatch(
      /Invalid option "headers\.a": /,
    );
  });
});

describe('isHttpError', () => {
  it('recognises an HttpError from a second copy of the package (Symbol.for brand)', async () => {
    // A query string makes the module loader evaluate the file again: a separate class, as with
    // two installed versions of the package.
    const specifier: string = '../src/http-error.ts?second-copy';
    const copy = (await import(specifier)) as typeof import('../src/http-error.ts');
    const foreign = copy.HttpError.tooManyRequests('Slow down', { retryAfter: '10s', extensions: { limit: 10 } });
    expect(copy.HttpError).not.toBe(HttpError);
    expect(foreign instanceof HttpError).toBe(false);
    expect(isHttpError(foreign)).toBe(true);
    expect(toProblem(foreign)).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Slow down',
      limit: 10,
    });
  });

  it('rejects look-alikes without the brand', () => {
    expect(isHttpError(new Error('x'))).toBe(false);
    expect(isHttpError({ status: 404, title: 'Not Found' })).toBe(false);
    expect(isHttpError(null)).toBe(false);
    expect(isHttpError('HttpError')).toBe(false);
  });
});

describe('HttpError.fromProblem', () => {
  it('keeps unknown members as extensions and ignores members of the wrong type', () => {
    const error = HttpError.fromProblem({ type: 'https://x/p', title: 'T', status: 409, detail: 5, balance: 3 });
    expect(error).toMatchObject({
      status: 409,
      type: 'https://x/p',
      title: 'T',
      detail: undefined,
      extensions: { balance: 3 },
    });
  });

  it('takes the response status over the status member and refuses non-problems', () => {
    expect(HttpError.fromProblem({ status: 400 }, { status: 503 }).status).toBe(503);
    expect(() => HttpError.fromProblem('nope')).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP_STATUS_INVALID_PROBLEM' }),
    );
    expect(() => HttpError.fromProblem({ title: 'x' })).toThrow(/status/);
  });
});
