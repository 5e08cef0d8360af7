/** Media type of RFC 9457 problem documents (no charset parameter: JSON is UTF-8, RFC 8259 §8.1). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Media type of the JSON success envelopes. */
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * True when a response must not carry content: answers to HEAD, and 1xx, 204, 205 and 304
 * (RFC 9110 §6.4.1, §15.3.6).
 */
export function isBodiless(status: number, method?: string): boolean {
  return method?.toUpperCase() === 'HEAD' || status < 200 || status === 204 || status === 205 || status === 304;
}

/**
 * `JSON.stringify` that cannot fail an error handler: if the document does not serialise (a BigInt
 * or a cycle in an extension member), `fallback` is serialised instead.
 */
export function serialize(document: unknown, fallback: () => unknown): string {
  try {
    return JSON.stringify(document) ?? 'null';
  } catch {
    return JSON.stringify(fallback());
  }
}
