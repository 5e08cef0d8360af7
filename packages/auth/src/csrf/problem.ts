/** The problem+json body (RFC 9457) of a refused request, as every `@infra` adapter answers one. */
import type { AuthError } from '../errors.ts';

/** Status, headers and body of the answer to `error`. */
export function problemResponse(error: AuthError): { status: number; headers: Record<string, string>; body: string } {
  const status = error.status ?? 500;
  const body = JSON.stringify({
    type: 'about:blank',
    title: status === 403 ? 'Forbidden' : status === 429 ? 'Too Many Requests' : 'Error',
    status,
    detail: error.message,
    code: error.code,
  });
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...error.headers },
    body,
  };
}
