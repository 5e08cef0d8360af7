import { describe, expect, it } from 'vitest';
import { isInfraError } from '../../../internal/src/index.ts';
import { check } from '../src/errors.ts';
import { AuthError } from '../src/index.ts';

describe('AuthError', () => {
  it('carries a stable code and the cause, and the @infra mark', () => {
    const cause = new Error('root');
    const error = new AuthError('ERR_AUTH_INVALID_OPTION', 'bad option', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_AUTH_INVALID_OPTION');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('AuthError');
    expect(isInfraError(error)).toBe(true);
  });

  it('names a bad option the one way', () => {
    expect(() => check.duration('5mins', 'timeout')).toThrow('Invalid option "timeout": unknown duration unit');
  });
});
