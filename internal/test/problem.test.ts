import { describe, expect, it } from 'vitest';
import { InfraError } from '../src/errors.ts';
import { problemBody, problemFor } from '../src/problem.ts';

describe('problem bodies', () => {
  it('writes about:blank with the reason phrase, detail and code only when given', () => {
    expect(JSON.parse(problemBody({ status: 404, detail: 'No file "a"', code: 'ERR_X_NOT_FOUND' }))).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No file "a"',
      code: 'ERR_X_NOT_FOUND',
    });
    expect(JSON.parse(problemBody({ status: 599 }))).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 599,
    });
  });

  it('shows an exposed @infra error and hides everything else', () => {
    const exposed = new InfraError('ERR_X_TOO_LARGE', 'over 5 MB', { status: 413 });
    expect(problemFor(exposed)).toEqual({
      status: 413,
      body: problemBody({ status: 413, detail: 'over 5 MB', code: 'ERR_X_TOO_LARGE' }),
    });
    const hidden = new InfraError('ERR_X_STORE', 'redis at 10.0.0.3 refused', { status: 503 });
    expect(JSON.parse(problemFor(hidden).body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
    });
    expect(problemFor(new Error('secret path /etc/x'))).toEqual({ status: 500, body: problemBody({ status: 500 }) });
  });
});
