import { describe, expect, it } from 'vitest';
import { InfraError, invalidOptionMessage, isInfraError } from '../src/errors.ts';

class DemoError extends InfraError<'ERR_DEMO_BROKEN'> {
  override name = 'DemoError';
}

describe('InfraError', () => {
  it('carries code, status and cause', () => {
    const cause = new Error('root');
    const error = new DemoError('ERR_DEMO_BROKEN', 'broken', { cause, status: 409 });
    expect(error).toMatchObject({ name: 'DemoError', code: 'ERR_DEMO_BROKEN', status: 409, message: 'broken' });
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new DemoError('ERR_DEMO_BROKEN', 'x')).toBe(false);
  });

  it('exposes its message only for 4xx statuses', () => {
    expect(new DemoError('ERR_DEMO_BROKEN', 'x', { status: 404 }).expose).toBe(true);
    expect(new DemoError('ERR_DEMO_BROKEN', 'x', { status: 503 }).expose).toBe(false);
    expect(new DemoError('ERR_DEMO_BROKEN', 'x').expose).toBe(false);
  });

  it('is recognised by the mark from another copy of the kernel, where instanceof fails', async () => {
    // A query string makes vitest load a second, separate instance of the module: as two bundled packages would.
    const path: string = '../src/errors.ts?copy';
    const copy = (await import(path)) as typeof import('../src/errors.ts');
    expect(copy.InfraError).not.toBe(InfraError);
    const foreign = new copy.InfraError('ERR_OTHER', 'from another package', { status: 400 });
    expect(foreign instanceof InfraError).toBe(false);
    expect(isInfraError(foreign)).toBe(true);
    expect(copy.isInfraError(new DemoError('ERR_DEMO_BROKEN', 'x'))).toBe(true);
  });

  it('does not take look-alikes for its own errors', () => {
    expect(isInfraError({ code: 'ERR_X', status: 500, message: 'x' })).toBe(false);
    expect(isInfraError(Object.assign(new Error('x'), { code: 'ERR_X' }))).toBe(false);
    expect(isInfraError(null)).toBe(false);
    expect(isInfraError('ERR_X')).toBe(false);
  });

  it('keeps the mark out of JSON', () => {
    expect(JSON.stringify(new DemoError('ERR_DEMO_BROKEN', 'x', { status: 400 }))).toBe(
      '{"code":"ERR_DEMO_BROKEN","status":400,"name":"DemoError"}',
    );
  });

  it('words every invalid option one way', () => {
    expect(invalidOptionMessage('ttl', 'must be greater than 0')).toBe('Invalid option "ttl": must be greater than 0');
  });
});
