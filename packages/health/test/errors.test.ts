import { describe, expect, it } from 'vitest';
import { InfraError, isInfraError } from '../../../internal/src/index.ts';
import { createHealth, HealthError } from '../src/index.ts';

describe('HealthError', () => {
  it('carries a stable code and the cause', () => {
    const cause = new Error('root');
    const error = new HealthError('ERR_HEALTH_INVALID_OPTION', 'bad option', { cause });
    expect([error.code, error.cause, error.name]).toEqual(['ERR_HEALTH_INVALID_OPTION', cause, 'HealthError']);
  });

  it('is a kernel InfraError, recognised across copies by its mark', () => {
    const error = new HealthError('ERR_HEALTH_CLOSED', 'closed');
    expect([error instanceof InfraError, isInfraError(error)]).toEqual([true, true]);
  });

  it('words a bad option the one kernel way', () => {
    expect(() => createHealth({ showDetails: 'sometimes' as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_HEALTH_INVALID_OPTION',
        message: expect.stringMatching(/^Invalid option "showDetails": /),
      }),
    );
  });
});
