/** The problem+json body (RFC 9457) of a refused request, as every `@infra` adapter answers one. */
import { problemBody, problemContentType } from '../../../../internal/src/index.ts';
import type { AuthError } from '../errors.ts';

/** Status, headers and body of the answer to `error`. */
export function problemResponse(error: AuthError): { status: number; headers: Record<string, string>; body: string } {
  const status = error.status ?? 500;
  const body = problemBody({ status, detail: error.message, code: error.code });
  return {
    status,
    headers: { 'content-type': problemContentType, 'cache-control': 'no-store', ...error.headers },
    body,
  };
}
