import {
  InfraError,
  type InfraErrorOptions,
  invalidOptionMessage,
  type OptionChecks,
  optionChecks,
} from '../../../internal/src/index.ts';

/** Stable codes of `AuthError`; part of the public API. */
export type AuthErrorCode = 'ERR_AUTH_INVALID_OPTION';

/** Base class of every error `@infra/auth` throws. */
export class AuthError extends InfraError<AuthErrorCode> {
  override name = 'AuthError';

  constructor(code: AuthErrorCode, message: string, options?: InfraErrorOptions) {
    super(code, message, options);
  }
}

/** The error every bad option throws: names the option and says what was wrong. */
export function invalidOption(option: string, problem: string): AuthError {
  return new AuthError('ERR_AUTH_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The option checks of `@infra/auth`, all throwing `ERR_AUTH_INVALID_OPTION`. */
export const check: OptionChecks = optionChecks(invalidOption);
