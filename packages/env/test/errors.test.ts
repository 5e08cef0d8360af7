import { describe, expect, it } from 'vitest';
import { isInfraError } from '../../../internal/src/index.ts';
import { EnvError, parseEnv, port } from '../src/index.ts';

function validationError(): EnvError {
  try {
    parseEnv({ PORT: port() }, { PORT: 'x' });
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected an EnvError');
}

describe('EnvError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('root');
    const error = new EnvError('ERR_ENV_FILE', 'unreadable', { cause });
    expect([error.name, error.code, error.cause]).toEqual(['EnvError', 'ERR_ENV_FILE', cause]);
  });

  it('is an @infra error, recognised by the kernel mark that other @infra packages read', () => {
    const error = validationError();
    expect(error).toBeInstanceOf(Error);
    expect(isInfraError(error)).toBe(true);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('@infra/error')]).toBe(true);
  });

  it('is a configuration error: status 500, detail never exposed, though it carries issues', () => {
    const error = validationError();
    expect([error.status, error.expose, error.issues.length]).toEqual([500, false, 1]);
  });

  it('stays unexposed whatever status it is given', () => {
    expect(new EnvError('ERR_ENV_VALIDATION', 'x', { status: 400 }).expose).toBe(false);
  });
});
