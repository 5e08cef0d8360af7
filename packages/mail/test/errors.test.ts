import { describe, expect, it } from 'vitest';
import { isInfraError } from '../../../internal/src/index.ts';
import { check } from '../src/errors.ts';
import { failureKind, MailError } from '../src/index.ts';

describe('MailError', () => {
  it('carries a stable code and the cause, and the @infra mark', () => {
    const cause = new Error('root');
    const error = new MailError('ERR_MAIL_INVALID_OPTION', 'bad option', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_MAIL_INVALID_OPTION');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('MailError');
    expect(isInfraError(error)).toBe(true);
  });

  it('names a bad option the one way', () => {
    expect(() => check.duration('5mins', 'timeout')).toThrow('Invalid option "timeout": unknown duration unit');
  });
});

describe('failureKind', () => {
  const kind = (code: ConstructorParameters<typeof MailError>[0]) => failureKind(new MailError(code, 'x'));

  it('never calls a refusal of the mailer itself permanent, so an app does not drop a mail it met in a shutdown', () => {
    expect([kind('ERR_MAIL_IN_PROGRESS'), kind('ERR_MAIL_CLOSED'), kind('ERR_MAIL_STORE')]).toEqual([
      'transient',
      'unknown',
      'unknown',
    ]);
  });

  it('keeps bad messages permanent and transport answers as they were classified', () => {
    expect([
      kind('ERR_MAIL_HEADER_INJECTION'),
      kind('ERR_MAIL_TEMPLATE_DATA'),
      kind('ERR_MAIL_REJECTED'),
      kind('ERR_MAIL_TRANSIENT'),
      kind('ERR_MAIL_UNKNOWN_OUTCOME'),
    ]).toEqual(['permanent', 'permanent', 'permanent', 'transient', 'unknown']);
  });
});
