import { describe, expect, it } from 'vitest';
import { EnvError } from '../src/index.ts';

describe('EnvError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('root');
    const error = new EnvError('ERR_ENV_INVALID_OPTION', 'bad option', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_ENV_INVALID_OPTION');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('EnvError');
  });
});
