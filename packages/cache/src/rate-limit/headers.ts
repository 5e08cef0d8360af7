/**
 * HTTP headers for a rate-limit result, in the structured-field form of
 * draft-ietf-httpapi-ratelimit-headers (-09): `RateLimit-Policy` lists each rule's quota (`q`) and
 * window in seconds (`w`); `RateLimit` gives each rule's remaining units (`r`) and seconds until its
 * quota is back (`t`). `Retry-After` (RFC 9110) is added when the request was rejected.
 */
import type { RateLimitResult } from './result.ts';

/** Header names mapped to values; lower-case names would work just as well over HTTP. */
export interface RateLimitHeaders {
  RateLimit?: string;
  'RateLimit-Policy'?: string;
  'Retry-After'?: string;
}

/**
 * The `RateLimit`, `RateLimit-Policy` and (when rejected) `Retry-After` headers for `result`.
 *
 * @example
 * res.writeHead(result.allowed ? 200 : 429, rateLimitHeaders(result));
 * // RateLimit-Policy: "5-per-1s";q=5;w=1, "100-per-1h";q=100;w=3600
 * // RateLimit: "5-per-1s";r=0;t=1, "100-per-1h";r=93;t=3600
 * // Retry-After: 1
 */
export function rateLimitHeaders(result: RateLimitResult): RateLimitHeaders {
  const headers: RateLimitHeaders = {};
  if (result.rules.length > 0) {
    const blocked = result.reason === 'blocked';
    headers['RateLimit-Policy'] = result.rules
      .map((rule) => `${sfString(rule.name)};q=${rule.limit};w=${seconds(rule.windowMs)}`)
      .join(', ');
    headers.RateLimit = result.rules
      .map((rule) => {
        const remaining = blocked ? 0 : rule.remaining;
        const resetAt = blocked ? Math.max(rule.resetAt, result.resetAt) : rule.resetAt;
        return `${sfString(rule.name)};r=${remaining};t=${seconds(resetAt - result.decidedAt)}`;
      })
      .join(', ');
  }
  if (!result.allowed) headers['Retry-After'] = String(Math.max(1, seconds(result.retryAfterMs)));
  return headers;
}

/** Whole seconds, rounded up, never negative: a client that waits this long is not early. */
function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** An RFC 8941 sf-string (names are validated to plain characters, but escape anyway). */
function sfString(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
