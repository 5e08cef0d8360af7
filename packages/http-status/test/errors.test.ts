import { describe, expect, it } from 'vitest';
import { HttpStatusError } from '../src/index.ts';

describe('HttpStatusError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('root');
    const error = new HttpStatusError('ERR_HTTP_STATUS_INVALID_OPTION', 'bad option', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_HTTP_STATUS_INVALID_OPTION');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('HttpStatusError');
  });
});
