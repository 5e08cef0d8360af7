// Errors of every @infra package are answered by their own mark (code, status, expose), before any duck typing:
// `EnvError` carries `issues`, which once made a configuration error a 422 that listed the variables.

import { join } from 'node:path';
import { CacheError } from '@infra/cache';
import { EnvError } from '@infra/env';
import { HealthError } from '@infra/health';
import { describe, expect, it } from 'vitest';
import { InfraError } from '../../../internal/src/index.ts';
import { HttpStatusError, problemResponse, toProblem } from '../src/index.ts';

const internalServerError = { type: 'about:blank', title: 'Internal Server Error', status: 500 };

async function sent(error: unknown): Promise<string> {
  const response = problemResponse(error);
  return `${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`;
}

describe('errors of the @infra packages', () => {
  it('an EnvError with issues is a 500 that shows neither the variables nor the reasons', async () => {
    const error = new EnvError('ERR_ENV_VALIDATION', 'DATABASE_URL: expected a URL', {
      issues: [
        { key: 'DATABASE_URL', kind: 'invalid', message: 'expected a URL, got "pg://hunter2@db"', source: '.env:3' },
      ],
    });
    expect(toProblem(error)).toEqual(internalServerError);
    expect(await sent(error)).not.toMatch(/DATABASE_URL|hunter2|\.env|ERR_ENV/);
  });

  it('an EnvError that says it is a 4xx still hides its detail: EnvError never exposes', () => {
    const error = new EnvError('ERR_ENV_FILE', '.env.production is missing', { status: 400 });
    expect(toProblem(error)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400 });
  });

  it('a 4xx CacheError answers with its status, message and code', () => {
    const error = new CacheError('ERR_CACHE_INVALID_KEY', 'key must not be empty', { status: 400 });
    expect(toProblem(error)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'key must not be empty',
      code: 'ERR_CACHE_INVALID_KEY',
    });
  });

  it('a 5xx CacheError answers with its status and hides message and code', () => {
    const error = new CacheError('ERR_CACHE_STORE_UNAVAILABLE', 'redis at 10.0.0.3:6379 refused', { status: 503 });
    expect(toProblem(error)).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
  });

  it('a HealthError without a status is a 500 that hides its message', () => {
    const error = new HealthError('ERR_HEALTH_CHECK_TIMEOUT', 'check "postgres" (10.0.0.5) timed out');
    expect(toProblem(error)).toEqual(internalServerError);
  });

  it("this package's own HttpStatusError (a programming error) is a 500 that hides its message", () => {
    expect(toProblem(new HttpStatusError('ERR_HTTP_STATUS_INVALID_OPTION', 'Invalid option "x": y'))).toEqual(
      internalServerError,
    );
  });
});

describe('errors from a second copy of the kernel (another package, another version)', async () => {
  // A query string makes the loader evaluate the file again: a separate InfraError class with the same mark, as
  // when two packages each inline their own copy of the kernel.
  const specifier = `${join(import.meta.dirname, '../../../internal/src/errors.ts')}?copy`;
  const copy = (await import(specifier)) as typeof import('../../../internal/src/errors.ts');
  class ForeignError extends copy.InfraError {
    readonly issues = [{ message: 'SECRET_TOKEN is too short', path: ['SECRET_TOKEN'] }];
  }

  it('is a different class, so instanceof cannot be what recognises it', () => {
    expect(new ForeignError('ERR_X', 'x')).not.toBeInstanceOf(InfraError);
  });

  it('a 5xx with Standard-Schema-shaped issues is a 500, never a 422 listing them', async () => {
    const error = new ForeignError('ERR_FOREIGN_CONFIG', 'SECRET_TOKEN is too short', { status: 500 });
    expect(toProblem(error)).toEqual(internalServerError);
    expect(await sent(error)).not.toContain('SECRET_TOKEN');
  });

  it('without a status, its issues make no 422: it is a 500', () => {
    expect(toProblem(new ForeignError('ERR_FOREIGN', 'SECRET_TOKEN'))).toEqual(internalServerError);
  });

  it('a status that is not an error status is a 500', () => {
    expect(toProblem(new ForeignError('ERR_FOREIGN', 'moved', { status: 302 }))).toEqual(internalServerError);
  });

  it('a 4xx shows its message and code, and no issues', () => {
    expect(toProblem(new ForeignError('ERR_FOREIGN_CONFLICT', 'Order 7 changed meanwhile', { status: 409 }))).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'Order 7 changed meanwhile',
      code: 'ERR_FOREIGN_CONFLICT',
    });
  });
});
