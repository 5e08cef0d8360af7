import { describe, expect, it } from 'vitest';
import { CacheError } from '../src/index.ts';

describe('CacheError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('root');
    const error = new CacheError('ERR_CACHE_INVALID_OPTION', 'bad option', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_CACHE_INVALID_OPTION');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('CacheError');
  });
});
