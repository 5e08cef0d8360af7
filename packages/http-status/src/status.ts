import {
  type ClientErrorStatus,
  type InformationalStatus,
  REASON_PHRASES,
  type RedirectStatus,
  type ServerErrorStatus,
  type StatusCode,
  type SuccessStatus,
} from './registry.ts';

/** The class of a status code, from its first digit (RFC 9110 §15). */
export type StatusClass = 'informational' | 'success' | 'redirect' | 'client-error' | 'server-error';

/** Any 4xx or 5xx code the registry assigns. */
export type ErrorStatus = ClientErrorStatus | ServerErrorStatus;

const classes: readonly StatusClass[] = ['informational', 'success', 'redirect', 'client-error', 'server-error'];

// Indexed by code through a null-prototype record, so no input can reach Object.prototype.
const phrases: Readonly<Record<number, string | undefined>> = Object.assign(Object.create(null), REASON_PHRASES);

/**
 * The registered reason phrase of `code` (`404` → `'Not Found'`), or `undefined` when the code is
 * unassigned or reserved ("(Unused)": 306, 418). Never throws, whatever it is given.
 */
export function reasonPhrase<C extends StatusCode>(code: C): (typeof REASON_PHRASES)[C];
export function reasonPhrase(code: number): string | undefined;
export function reasonPhrase(code: number): string | undefined {
  return typeof code === 'number' ? phrases[code] : undefined;
}

/** True when `code` is an integer in 100–599, the range RFC 9110 §15 gives status codes. */
export function isValidStatus(code: unknown): code is number {
  return typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599;
}

/**
 * The class of `code` (`404` → `'client-error'`), or `undefined` outside 100–599. Unassigned codes
 * still have a class: RFC 9110 §15 tells clients to treat an unknown `x49` like `x00`.
 */
export function statusClass(code: number): StatusClass | undefined {
  return isValidStatus(code) ? classes[Math.floor(code / 100) - 1] : undefined;
}

/** Type guard: `code` is assigned in the IANA registry (reserved "(Unused)" codes are not). */
export function isStatusCode(code: unknown): code is StatusCode {
  return typeof code === 'number' && phrases[code] !== undefined;
}

/** Type guard: `code` is 1xx. Unassigned codes of the class count, as RFC 9110 §15 asks. */
export function isInformational(code: number): code is InformationalStatus {
  return statusClass(code) === 'informational';
}

/** Type guard: `code` is 2xx. Unassigned codes of the class count, as RFC 9110 §15 asks. */
export function isSuccess(code: number): code is SuccessStatus {
  return statusClass(code) === 'success';
}

/** Type guard: `code` is 3xx. Unassigned codes of the class count, as RFC 9110 §15 asks. */
export function isRedirect(code: number): code is RedirectStatus {
  return statusClass(code) === 'redirect';
}

/** Type guard: `code` is 4xx. Unassigned codes of the class count, as RFC 9110 §15 asks. */
export function isClientError(code: number): code is ClientErrorStatus {
  return statusClass(code) === 'client-error';
}

/** Type guard: `code` is 5xx. Unassigned codes of the class count, as RFC 9110 §15 asks. */
export function isServerError(code: number): code is ServerErrorStatus {
  return statusClass(code) === 'server-error';
}

/** Type guard: `code` is 4xx or 5xx. */
export function isErrorStatus(code: number): code is ErrorStatus {
  return isValidStatus(code) && code >= 400;
}
