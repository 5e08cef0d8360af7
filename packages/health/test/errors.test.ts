import { describe, expect, it } from 'vitest';
import { HealthError } from '../src/index.ts';

describe('HealthError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('root');
    const error = new HealthError('ERR_HEALTH_INVALID_OPTION', 'bad option', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_HEALTH_INVALID_OPTION');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('HealthError');
  });
});
