/**
 * What every CSRF adapter does, whatever the framework: on a safe request, make sure the client holds a token
 * valid for its session (issuing one if not) and hand the token to the app; on an unsafe one, decide.
 */
import { type Csrf, type CsrfDecision, readCookie } from './csrf.ts';

/** The decision for one request, and on a safe one the token to expose and the cookie to set if any. */
export interface CsrfStep {
  decision: CsrfDecision;
  /** On a safe request: the token the app puts in forms. */
  token?: string;
  /** On a safe request whose cookie was missing or stale: the `Set-Cookie` value to send. */
  setCookie?: string;
}

const safe = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export function csrfStep(
  csrf: Csrf,
  method: string,
  header: (name: string) => string | undefined,
  sessionId: string,
  bodyToken: string | undefined,
): CsrfStep {
  if (safe.has(method.toUpperCase())) {
    const current = readCookie(header('cookie'), csrf.cookieName);
    if (current !== undefined && csrf.valid(current, sessionId)) return { decision: { ok: true }, token: current };
    const issued = csrf.issue(sessionId);
    return { decision: { ok: true }, token: issued.token, setCookie: issued.cookie };
  }
  return { decision: csrf.check({ method, header, sessionId, bodyToken }) };
}

/** The form field of a body a framework parsed, when it is a string. */
export function fieldOf(body: unknown, field: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
