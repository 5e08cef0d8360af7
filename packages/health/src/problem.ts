/**
 * The one problem+json answer health writes itself: a method other than GET or HEAD on a health path. A minimal
 * RFC 9457 body from the kernel, rather than from `@infra/http-status`, so that health installs alone.
 */
import { problemBody, problemContentType } from '../../../internal/src/index.ts';

/** The methods the health endpoints answer; probes never change anything. */
export const allowedMethods = 'GET, HEAD';

/** Whether a method is answered (GET, HEAD) rather than refused with 405. */
export function allowedMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** A framework-neutral answer: status, headers and body, as every adapter writes it. */
export interface PlainAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The 405 for `method` on a health path: `Allow: GET, HEAD` and an RFC 9457 problem+json body. */
export function methodNotAllowed(method: string): PlainAnswer {
  const body = problemBody({
    status: 405,
    detail: `${method} is not allowed on a health endpoint; use GET or HEAD`,
  });
  return {
    status: 405,
    headers: { allow: allowedMethods, 'content-type': problemContentType, 'cache-control': 'no-store' },
    body,
  };
}
