import { HealthError } from './errors.ts';

/**
 * The `output` shown for a check that threw. Error messages often carry hosts, users or SQL, and a health
 * endpoint is often public, so by default only our own timeout text and a system error code
 * (`ECONNREFUSED`) are shown; `exposeErrors` shows the message itself.
 */
export function failureText(error: unknown, exposeErrors: boolean): string {
  if (error instanceof HealthError && error.code === 'ERR_HEALTH_CHECK_TIMEOUT') return error.message;
  if (exposeErrors) return error instanceof Error ? error.message || error.name : String(error);
  const code = errorCode(error);
  return code === undefined ? 'check failed' : `check failed (${code})`;
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  // AggregateError from a dual-stack connect (`::1` and `127.0.0.1` both refused) keeps the code inside.
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  // DOMExceptions carry a numeric code; their name (TimeoutError, AbortError) is the useful part.
  if (error instanceof DOMException) return error.name;
  return undefined;
}
