// The minimal RFC 9457 problem+json body a package writes itself (a health 405, an auth 401, a storage 404), so no
// package needs `@infra/http-status` to answer its own errors. An app that has `@infra/http-status` gets the same
// members from `toProblem`: `type`, `title`, `status`, `detail` only when exposed, and the `code` extension.
import { isInfraError } from './errors.ts';

/** The media type of a problem body. */
export const problemContentType = 'application/problem+json';

// Reason phrases of the statuses packages answer themselves; anything else falls back to its class.
const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The members of a problem body. */
export interface ProblemMembers {
  status: number;
  detail?: string | undefined;
  code?: string | undefined;
}

/** The JSON text of a problem body: `about:blank` with the status's reason phrase as its title. */
export function problemBody({ status, detail, code }: ProblemMembers): string {
  const title = titles[status] ?? (status < 500 ? 'Bad Request' : 'Internal Server Error');
  return JSON.stringify({
    type: 'about:blank',
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(code === undefined ? {} : { code }),
  });
}

/**
 * The status and body of the answer to `error`: an exposed `@infra` error (a 4xx) with its message and code; any
 * other error as a bare 500 (or its own 5xx status), never showing its message, which may name internals.
 */
export function problemFor(error: unknown): { status: number; body: string } {
  if (isInfraError(error) && error.status !== undefined && error.status >= 400 && error.status <= 599) {
    const { status } = error;
    return error.expose
      ? { status, body: problemBody({ status, detail: error.message, code: error.code }) }
      : { status, body: problemBody({ status }) };
  }
  return { status: 500, body: problemBody({ status: 500 }) };
}
