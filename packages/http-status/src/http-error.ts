import { type Duration, markInfraError } from '../../../internal/src/index.ts';
import { checks, HttpStatusError, invalidOption } from './errors.ts';
import { isErrorStatus, reasonPhrase } from './status.ts';

/** The brand `isHttpError` looks for; `Symbol.for` so two copies of this package recognise each other. */
export const httpErrorBrand: unique symbol = Symbol.for('@infra/http-status/HttpError');

/** The members RFC 9457 §3.1 defines; extension members may not reuse these names. */
export const standardMembers: ReadonlySet<string> = new Set(['type', 'title', 'status', 'detail', 'instance']);

/** The `code` of an `HttpError`: `ERR_HTTP_` and its status, e.g. `ERR_HTTP_404`. */
export type HttpErrorCode = `ERR_HTTP_${number}`;

/** Options of `new HttpError(status, detail, options)` and of every factory. */
export interface HttpErrorOptions {
  /** URI reference identifying the problem type (RFC 9457 §3.1.1). @default 'about:blank' */
  type?: string;
  /**
   * Short, human-readable summary of the problem type. Only with a custom `type`: with
   * `about:blank` the title is the status's reason phrase (RFC 9457 §4.2.1).
   * @default the reason phrase of `status`
   */
  title?: string;
  /** URI reference identifying this occurrence of the problem (RFC 9457 §3.1.5). @default undefined */
  instance?: string;
  /** Response headers to send with the problem (names are lower-cased). @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Whether `detail` may be shown to the client. @default status < 500 */
  expose?: boolean;
  /** The underlying error; kept for logs, never sent. @default undefined */
  cause?: unknown;
  /** Extension members sent alongside the standard ones (RFC 9457 §3.2). @default {} */
  extensions?: Readonly<Record<string, unknown>>;
  /** Challenge(s) for the `WWW-Authenticate` header, e.g. `'Bearer realm="api"'` (401). @default undefined */
  wwwAuthenticate?: string;
  /** Methods the resource supports, sent as `Allow` (405). @default undefined */
  allow?: string | readonly string[];
  /** When to retry, sent as `Retry-After` (429, 503): a duration (ms or `'30s'`) or a date. @default undefined */
  retryAfter?: Duration | Date;
}

/**
 * An HTTP error answer: throw it from a handler and the adapters turn it into an RFC 9457
 * `application/problem+json` response with this `status`, `headers` and problem members.
 *
 * @example
 * throw HttpError.notFound(`No order ${id}`);
 * throw HttpError.tooManyRequests('Slow down', { retryAfter: '30s' });
 */
export class HttpError extends Error {
  override name = 'HttpError';
  /** Stable code, `ERR_HTTP_` and the status (`ERR_HTTP_404`), as every `@infra` error has one. */
  readonly code: HttpErrorCode;
  /** The 4xx or 5xx status to answer with. */
  readonly status: number;
  /** Short summary of the problem type; the reason phrase for `about:blank`. */
  readonly title: string;
  /** Explanation specific to this occurrence; sent only when `expose` is true. */
  readonly detail: string | undefined;
  /** URI reference identifying the problem type. */
  readonly type: string;
  /** URI reference identifying this occurrence. */
  readonly instance: string | undefined;
  /** Response headers that go with the problem (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether `detail` may be sent to the client. */
  readonly expose: boolean;
  /** Extension members of the problem document. */
  readonly extensions: Readonly<Record<string, unknown>>;

  /** @param status a 4xx or 5xx code @param detail explanation of this occurrence (also the `message`) */
  constructor(status: number, detail?: string, options: HttpErrorOptions = {}) {
    const { type, phrase } = checkArguments(status, detail, options);
    // Extends Error, not the kernel's InfraError, and carries the @infra mark through `markInfraError` below: an
    // HttpError is built per failed request, and the extra constructor level cost 8-19 % (bench: http-status).
    super(detail ?? phrase, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = `ERR_HTTP_${status}`;
    this.status = status;
    this.title = options.title ?? phrase;
    this.detail = detail;
    this.type = type;
    this.instance = options.instance;
    this.headers = Object.freeze(collectHeaders(options));
    this.expose = options.expose === undefined ? status < 500 : checks.boolean(options.expose, 'expose', false);
    this.extensions = Object.freeze(checkExtensions(options.extensions));
  }

  /** Always true; `isHttpError` checks this rather than `instanceof`, so copies of the package agree. */
  get [httpErrorBrand](): true {
    return true;
  }

  /**
   * Rebuilds an `HttpError` from a problem details document (e.g. an upstream's response body),
   * keeping unknown members as extensions. Members of the wrong type are ignored, as RFC 9457 §3.1
   * asks. `options.status` (the response's status) wins over the advisory `status` member.
   */
  static fromProblem(
    document: unknown,
    options: Omit<HttpErrorOptions, 'type' | 'title' | 'instance'> & { status?: number } = {},
  ): HttpError {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new HttpStatusError('ERR_HTTP_STATUS_INVALID_PROBLEM', 'document: expected a problem details object');
    }
    const members = document as Record<string, unknown>;
    const status = options.status ?? members.status;
    if (typeof status !== 'number' || !isErrorStatus(status)) {
      throw new HttpStatusError(
        'ERR_HTTP_STATUS_INVALID_PROBLEM',
        `status: a problem needs a 4xx or 5xx status (from options.status or the status member), got ${String(status)}`,
      );
    }
    const extensions: Record<string, unknown> = { ...options.extensions };
    for (const [name, value] of Object.entries(members)) if (!standardMembers.has(name)) extensions[name] = value;
    const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    const type = string(members.type) ?? 'about:blank';
    const title = type === 'about:blank' ? undefined : string(members.title);
    const instance = string(members.instance);
    const { status: _status, ...rest } = options;
    return new HttpError(status, string(members.detail), {
      ...rest,
      type,
      ...(title === undefined ? {} : { title }),
      ...(instance === undefined ? {} : { instance }),
      extensions,
    });
  }

  /** 400 Bad Request. */
  static badRequest(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(400, detail, options);
  }
  /** 401 Unauthorized; pass `wwwAuthenticate` for the challenge RFC 9110 §15.5.2 requires. */
  static unauthorized(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(401, detail, options);
  }
  /** 402 Payment Required. */
  static paymentRequired(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(402, detail, options);
  }
  /** 403 Forbidden. */
  static forbidden(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(403, detail, options);
  }
  /** 404 Not Found. */
  static notFound(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(404, detail, options);
  }
  /** 405 Method Not Allowed; pass `allow` for the `Allow` header RFC 9110 §15.5.6 requires. */
  static methodNotAllowed(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(405, detail, options);
  }
  /** 406 Not Acceptable. */
  static notAcceptable(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(406, detail, options);
  }
  /** 407 Proxy Authentication Required. */
  static proxyAuthenticationRequired(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(407, detail, options);
  }
  /** 408 Request Timeout. */
  static requestTimeout(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(408, detail, options);
  }
  /** 409 Conflict. */
  static conflict(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(409, detail, options);
  }
  /** 410 Gone. */
  static gone(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(410, detail, options);
  }
  /** 411 Length Required. */
  static lengthRequired(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(411, detail, options);
  }
  /** 412 Precondition Failed. */
  static preconditionFailed(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(412, detail, options);
  }
  /** 413 Content Too Large; `retryAfter` when the condition is temporary. */
  static contentTooLarge(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(413, detail, options);
  }
  /** 414 URI Too Long. */
  static uriTooLong(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(414, detail, options);
  }
  /** 415 Unsupported Media Type. */
  static unsupportedMediaType(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(415, detail, options);
  }
  /** 416 Range Not Satisfiable. */
  static rangeNotSatisfiable(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(416, detail, options);
  }
  /** 417 Expectation Failed. */
  static expectationFailed(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(417, detail, options);
  }
  /** 421 Misdirected Request. */
  static misdirectedRequest(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(421, detail, options);
  }
  /** 422 Unprocessable Content. */
  static unprocessableContent(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(422, detail, options);
  }
  /** 423 Locked. */
  static locked(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(423, detail, options);
  }
  /** 424 Failed Dependency. */
  static failedDependency(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(424, detail, options);
  }
  /** 425 Too Early. */
  static tooEarly(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(425, detail, options);
  }
  /** 426 Upgrade Required. */
  static upgradeRequired(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(426, detail, options);
  }
  /** 428 Precondition Required. */
  static preconditionRequired(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(428, detail, options);
  }
  /** 429 Too Many Requests; pass `retryAfter` for the `Retry-After` header. */
  static tooManyRequests(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(429, detail, options);
  }
  /** 431 Request Header Fields Too Large. */
  static requestHeaderFieldsTooLarge(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(431, detail, options);
  }
  /** 451 Unavailable For Legal Reasons. */
  static unavailableForLegalReasons(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(451, detail, options);
  }
  /** 500 Internal Server Error; `detail` stays private unless `expose: true`. */
  static internalServerError(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(500, detail, options);
  }
  /** 501 Not Implemented. */
  static notImplemented(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(501, detail, options);
  }
  /** 502 Bad Gateway. */
  static badGateway(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(502, detail, options);
  }
  /** 503 Service Unavailable; pass `retryAfter` for the `Retry-After` header. */
  static serviceUnavailable(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(503, detail, options);
  }
  /** 504 Gateway Timeout. */
  static gatewayTimeout(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(504, detail, options);
  }
  /** 505 HTTP Version Not Supported. */
  static httpVersionNotSupported(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(505, detail, options);
  }
  /** 506 Variant Also Negotiates. */
  static variantAlsoNegotiates(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(506, detail, options);
  }
  /** 507 Insufficient Storage. */
  static insufficientStorage(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(507, detail, options);
  }
  /** 508 Loop Detected. */
  static loopDetected(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(508, detail, options);
  }
  /** @deprecated 510 Not Extended is obsoleted in the IANA registry. */
  static notExtended(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(510, detail, options);
  }
  /** 511 Network Authentication Required. */
  static networkAuthenticationRequired(detail?: string, options?: HttpErrorOptions): HttpError {
    return new HttpError(511, detail, options);
  }
}

markInfraError(HttpError.prototype);

/** True for an `HttpError` from any copy of this package (checks the `Symbol.for` brand, not `instanceof`). */
export function isHttpError(value: unknown): value is HttpError {
  return (
    typeof value === 'object' && value !== null && (value as { [httpErrorBrand]?: unknown })[httpErrorBrand] === true
  );
}

/** Validates the constructor's arguments (throwing, naming the bad one) and settles `type` and the phrase. */
function checkArguments(status: unknown, detail: unknown, options: HttpErrorOptions): { type: string; phrase: string } {
  if (typeof status !== 'number' || !isErrorStatus(status)) {
    throw new HttpStatusError(
      'ERR_HTTP_STATUS_INVALID_STATUS',
      `status: an HttpError needs an integer status in 400-599, got ${String(status)}`,
    );
  }
  if (detail !== undefined && typeof detail !== 'string') throw invalidOption('detail', 'expected a string');
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  const type = options.type ?? 'about:blank';
  if (typeof type !== 'string' || type === '') throw invalidOption('type', 'expected a non-empty URI reference');
  const phrase = reasonPhrase(status) ?? (status < 500 ? 'Client Error' : 'Server Error');
  if (options.title !== undefined && typeof options.title !== 'string')
    throw invalidOption('title', 'expected a string');
  if (type === 'about:blank' && options.title !== undefined && options.title !== phrase) {
    throw invalidOption('title', `a custom title needs a custom type; about:blank uses the status phrase "${phrase}"`);
  }
  if (options.instance !== undefined && typeof options.instance !== 'string') {
    throw invalidOption('instance', 'expected a URI reference string');
  }
  return { type, phrase };
}

function collectHeaders(options: HttpErrorOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.headers !== undefined) {
    if (typeof options.headers !== 'object' || options.headers === null)
      throw invalidOption('headers', 'expected an object');
    for (const [name, value] of Object.entries(options.headers)) {
      if (typeof value !== 'string') throw invalidOption(`headers.${name}`, 'expected a string value');
      headers[name.toLowerCase()] = value;
    }
  }
  if (options.wwwAuthenticate !== undefined) {
    if (typeof options.wwwAuthenticate !== 'string' || options.wwwAuthenticate === '') {
      throw invalidOption('wwwAuthenticate', 'expected a non-empty challenge such as \'Bearer realm="api"\'');
    }
    headers['www-authenticate'] = options.wwwAuthenticate;
  }
  if (options.allow !== undefined) {
    const methods = typeof options.allow === 'string' ? [options.allow] : options.allow;
    if (!Array.isArray(methods) || methods.some((method) => typeof method !== 'string')) {
      throw invalidOption('allow', 'expected a method or a list of methods');
    }
    headers.allow = methods.join(', ');
  }
  if (options.retryAfter !== undefined) headers['retry-after'] = retryAfterValue(options.retryAfter);
  return headers;
}

// Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3); round up so a client never retries early.
function retryAfterValue(value: Duration | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidOption('retryAfter', 'expected a valid Date');
    return value.toUTCString();
  }
  return String(Math.ceil(checks.duration(value, 'retryAfter') / 1000));
}

function checkExtensions(extensions: unknown): Record<string, unknown> {
  if (extensions === undefined) return {};
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    throw invalidOption('extensions', 'expected an object of extension members');
  }
  for (const name of Object.keys(extensions)) {
    if (standardMembers.has(name))
      throw invalidOption(`extensions.${name}`, 'is a standard problem member; use the option of that name');
  }
  return { ...extensions };
}
