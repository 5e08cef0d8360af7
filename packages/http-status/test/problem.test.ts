import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  GENERIC_DETAIL,
  HttpError,
  HttpStatusError,
  problemResponse,
  resolveProblem,
  toProblem,
} from '../src/index.ts';

// RFC 9457 §3, first example (sent with "HTTP/1.1 403 Forbidden").
const outOfCredit = {
  type: 'https://example.com/probs/out-of-credit',
  title: 'You do not have enough credit.',
  detail: 'Your current balance is 30, but that costs 50.',
  instance: '/account/12345/msgs/abc',
  balance: 30,
  accounts: ['/account/12345', '/account/67890'],
};

// RFC 9457 §3, second example (sent with "HTTP/1.1 422 Unprocessable Content").
const validationExample = {
  type: 'https://example.net/validation-error',
  title: 'Your request is not valid.',
  errors: [
    { detail: 'must be a positive integer', pointer: '#/age' },
    { detail: "must be 'green', 'red' or 'blue'", pointer: '#/profile/color' },
  ],
};

/** Everything a client could see of a problem response: status, headers and body text. */
async function visible(response: Response): Promise<string> {
  return `${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`;
}

describe('RFC 9457 §3 examples round-trip', () => {
  it('out-of-credit: document → HttpError → toProblem / problemResponse → the same document', async () => {
    const error = HttpError.fromProblem(outOfCredit, { status: 403 });
    expect(error.status).toBe(403);
    expect(toProblem(error)).toEqual({ ...outOfCredit, status: 403 });
    const response = problemResponse(error);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({ ...outOfCredit, status: 403 });
  });

  it('out-of-credit: built by hand with the options', () => {
    const { type, title, detail, instance, ...extensions } = outOfCredit;
    const error = HttpError.forbidden(detail, { type, title, instance, extensions });
    expect(toProblem(error)).toEqual({ ...outOfCredit, status: 403 });
  });

  it('validation example: document → HttpError → problem response → the same document', async () => {
    const response = problemResponse(HttpError.fromProblem(validationExample, { status: 422 }));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ ...validationExample, status: 422 });
  });

  it('validation example: produced from a zod error with the same messages', () => {
    const schema = z.object({
      age: z.number().int().positive('must be a positive integer'),
      profile: z.object({ color: z.enum(['green', 'red', 'blue'], "must be 'green', 'red' or 'blue'") }),
    });
    const result = schema.safeParse({ age: -3, profile: { color: 'purple' } });
    expect(result.success).toBe(false);
    const problem = toProblem(result.error, {
      validation: { type: 'https://example.net/validation-error', title: 'Your request is not valid.' },
    });
    expect(problem).toEqual({ ...validationExample, status: 422 });
  });
});

describe('toProblem', () => {
  it('HttpError with about:blank: title is the reason phrase', () => {
    expect(toProblem(HttpError.notFound('No order 42'))).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No order 42',
    });
  });

  it('a 5xx built from new Error("db password is hunter2") never shows that text', async () => {
    const secret = 'db password is hunter2';
    const candidates: unknown[] = [
      new Error(secret),
      HttpError.internalServerError(secret),
      new HttpError(503, secret, { cause: new Error(secret) }),
      HttpError.badGateway(undefined, { cause: new Error(secret) }),
      Object.assign(new Error(secret), { status: 500, code: 'ERR_DB_AUTH' }),
      Object.assign(new Error(secret), { statusCode: 502 }),
      Object.assign(new Error(secret), { status: 503, issues: [{ message: secret, path: ['password'] }] }),
      new TypeError(secret),
      new SyntaxError(secret),
      secret,
      { message: secret },
    ];
    for (const error of candidates) {
      const problem = toProblem(error, { traceId: 'abc' });
      expect(problem.status).toBeGreaterThanOrEqual(500);
      expect(JSON.stringify(problem)).not.toContain('hunter2');
      expect(await visible(problemResponse(error))).not.toContain('hunter2');
    }
    expect(toProblem(new Error(secret))).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: GENERIC_DETAIL,
    });
  });

  it('shows a 5xx message only when the error says expose', () => {
    expect(toProblem(HttpError.serviceUnavailable('Down for maintenance', { expose: true })).detail).toBe(
      'Down for maintenance',
    );
    expect(toProblem(Object.assign(new Error('shown'), { expose: true })).detail).toBe('shown');
  });

  it('errors of other @infra packages: numeric status and code, detail only when exposed', () => {
    class CacheError extends Error {
      readonly code = 'ERR_CACHE_KEY_INVALID';
      readonly status = 400;
    }
    expect(toProblem(new CacheError('key must not be empty'))).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'key must not be empty',
      code: 'ERR_CACHE_KEY_INVALID',
    });
    class LockError extends Error {
      readonly code = 'ERR_CACHE_LOCK_UNAVAILABLE';
      readonly status = 503;
    }
    expect(toProblem(new LockError('redis at 10.0.0.3 refused'))).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
    });
  });

  it('http-errors-shaped errors: statusCode, expose and the headers the status needs', () => {
    const error = Object.assign(new Error('Too many'), {
      status: 429,
      statusCode: 429,
      expose: true,
      headers: { 'Retry-After': '30', 'Set-Cookie': 'leak=1' },
    });
    const resolved = resolveProblem(error);
    expect(resolved.headers).toEqual({ 'retry-after': '30' });
    expect(resolved.problem).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too many',
    });
    expect(toProblem(Object.assign(new Error('x'), { statusCode: 404 })).status).toBe(404);
  });

  it('keeps a 4xx message private when the error says expose: false', () => {
    const error = Object.assign(new Error('user 7 is banned for fraud'), { status: 403, expose: false, code: 'ERR_X' });
    expect(toProblem(error)).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403 });
    expect(toProblem(HttpError.forbidden('internal reason', { expose: false })).detail).toBeUndefined();
  });

  it('ignores status values outside 400–599', () => {
    expect(toProblem(Object.assign(new Error('x'), { status: 302 })).status).toBe(500);
    expect(toProblem(Object.assign(new Error('x'), { status: '404' })).status).toBe(500);
    expect(toProblem(Object.assign(new Error('x'), { status: 404.5 })).status).toBe(500);
  });

  it('a JSON SyntaxError from a body parser is a 400 without the parser message', () => {
    let parseError: unknown;
    try {
      JSON.parse('{"name": "x",');
    } catch (error) {
      parseError = error;
    }
    expect(toProblem(parseError)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request body is not valid JSON.',
    });
    expect(toProblem(new SyntaxError('Unexpected identifier in eval')).status).toBe(500);
  });

  it('anything else is a generic 500, whatever was thrown', () => {
    for (const thrown of [undefined, null, 0, 'boom', Symbol('x'), [], { status: 'bad' }, () => 1]) {
      expect(toProblem(thrown)).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: GENERIC_DETAIL,
      });
    }
  });

  it('never throws, even for values that throw when inspected', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('db password is hunter2');
        },
        getPrototypeOf() {
          throw new Error('no');
        },
      },
    );
    const problem = toProblem(hostile);
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });

  it('adds instance (when the error has none) and traceId from the request', () => {
    expect(toProblem(HttpError.notFound(), { instance: '/orders/9', traceId: 'req-7' })).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      instance: '/orders/9',
      traceId: 'req-7',
    });
    expect(toProblem(HttpError.notFound(undefined, { instance: '/own' }), { instance: '/req' }).instance).toBe('/own');
  });

  it('checks its options, naming the bad one', () => {
    expect(() => toProblem(new Error(), { validation: { status: 409 as 422 } })).toThrow(HttpStatusError);
    expect(() => toProblem(new Error(), { validation: { status: 409 as 422 } })).toThrow(/validation.status/);
    expect(() => toProblem(new Error(), { validation: { title: 'Invalid' } })).toThrow(/validation.title/);
    expect(() => toProblem(new Error(), { traceId: 5 as unknown as string })).toThrow(/traceId/);
  });
});

describe('validation errors', () => {
  const schema = z.object({
    user: z.object({ name: z.string().min(1), tags: z.array(z.string()).max(2) }),
    items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })),
    'a/b': z.string(),
    'm~n': z.string(),
    'with space': z.number(),
  });

  it('zod: nested objects and arrays give correct JSON pointers, ~ and / escaped', () => {
    const result = schema.safeParse({
      user: { name: '', tags: ['a', 'b', 'c'] },
      items: [
        { sku: 'x', qty: 1 },
        { sku: 5, qty: 1.5 },
      ],
      'a/b': 1,
      'm~n': 2,
      'with space': 'x',
    });
    expect(result.success).toBe(false);
    const problem = toProblem(result.error);
    expect(problem.status).toBe(422);
    expect(problem.title).toBe('Unprocessable Content');
    const pointers = (problem.errors as { pointer: string }[]).map((issue) => issue.pointer).sort();
    expect(pointers).toEqual(
      ['#/user/name', '#/user/tags', '#/items/1/sku', '#/items/1/qty', '#/a~1b', '#/m~0n', '#/with%20space'].sort(),
    );
    for (const issue of problem.errors as { detail: unknown }[]) expect(typeof issue.detail).toBe('string');
  });

  it('zod: a root-level issue points at the whole document', () => {
    const result = z.string().safeParse(5);
    expect(result.success).toBe(false);
    expect(toProblem(result.error).errors).toEqual([{ detail: expect.any(String), pointer: '#' }]);
  });

  it('answers 400 when asked to', () => {
    const result = z.object({ a: z.string() }).safeParse({});
    expect(toProblem(result.error, { validation: { status: 400 } })).toMatchObject({
      status: 400,
      title: 'Bad Request',
    });
  });

  it('Standard Schema issues with { key } path segments', () => {
    const failure = {
      issues: [
        { message: 'Required', path: [{ key: 'profile' }, { key: 'emails' }, { key: 0 }] },
        { message: 'Too short', path: ['password'] },
        { message: 'Invalid input' },
      ],
    };
    expect(toProblem(failure).errors).toEqual([
      { detail: 'Required', pointer: '#/profile/emails/0' },
      { detail: 'Too short', pointer: '#/password' },
      { detail: 'Invalid input', pointer: '#' },
    ]);
  });

  it('zod validation through the ~standard interface gives the same pointers', async () => {
    const result = await schema['~standard'].validate({
      user: { name: 'x', tags: [] },
      items: [{ sku: 'a', qty: 0 }],
      'a/b': '',
      'm~n': '',
      'with space': 1,
    });
    expect('issues' in result && result.issues !== undefined).toBe(true);
    expect(toProblem(result).errors).toEqual([{ detail: expect.any(String), pointer: '#/items/0/qty' }]);
  });

  it('Ajv errors as Fastify attaches them keep their status and point at the property', () => {
    const error = Object.assign(new Error('body/age must be integer'), {
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      validation: [
        { instancePath: '/age', message: 'must be integer', params: {} },
        {
          instancePath: '/profile',
          message: "must have required property 'color'",
          params: { missingProperty: 'color' },
        },
      ],
    });
    expect(toProblem(error)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'body/age must be integer',
      code: 'FST_ERR_VALIDATION',
      errors: [
        { detail: 'must be integer', pointer: '#/age' },
        { detail: "must have required property 'color'", pointer: '#/profile/color' },
      ],
    });
  });
});
