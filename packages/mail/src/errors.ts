import {
  InfraError,
  type InfraErrorOptions,
  invalidOptionMessage,
  type OptionChecks,
  optionChecks,
} from '../../../internal/src/index.ts';

/** Stable codes of `MailError`; part of the public API. */
export type MailErrorCode = 'ERR_MAIL_INVALID_OPTION';

/** Base class of every error `@infra/mail` throws. */
export class MailError extends InfraError<MailErrorCode> {
  override name = 'MailError';

  constructor(code: MailErrorCode, message: string, options?: InfraErrorOptions) {
    super(code, message, options);
  }
}

/** The error every bad option throws: names the option and says what was wrong. */
export function invalidOption(option: string, problem: string): MailError {
  return new MailError('ERR_MAIL_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The option checks of `@infra/mail`, all throwing `ERR_MAIL_INVALID_OPTION`. */
export const check: OptionChecks = optionChecks(invalidOption);
