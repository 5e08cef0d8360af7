/**
 * `toProblem`: any thrown value → an RFC 9457 problem details object. This is the one place that
 * decides what a client may see, so it is written to never throw and never leak a 5xx message.
 */
import { type InfraErrorLike, isInfraError } from '../../../internal/src/index.ts';
import { invalidOption } from './errors.ts';
import { isHttpError, standardMembers } from './http-error.ts';
import { isErrorStatus, reasonPhrase } from './status.ts';
import { type ValidationIssue, validationIssues } from './validation.ts';

/** An RFC 9457 problem details object, ready for `JSON.stringify`. */
export interface ProblemDetails {
  /** URI reference identifying the problem type; `about:blank` when the status says it all. */
  type: string;
  /** Short summary of the problem type (the reason phrase for `about:blank`). */
  title: string;
  /** The HTTP status code of this occurrence. */
  status: number;
  /** Explanation specific to this occurrence. */
  detail?: string;
  /** URI reference identifying this occurrence. */
  instance?: string;
  /** Extension members (RFC 9457 §3.2), e.g. `errors`, `traceId`, `code`. */
  [extension: string]: unknown;
}

/** Options of `toProblem` and of everything built on it (`problemResponse`, `sendProblem`, adapters). */
export interface ToProblemOptions {
  /** `instance` for errors that carry none, e.g. the request path or `urn:uuid:<request id>`. @default undefined */
  instance?: string;
  /** Added as the `traceId` extension member so a client can quote it to support. @default undefined */
  traceId?: string;
  /** How validation failures (zod, Standard Schema) are answered. */
  validation?: {
    /** 422 (RFC 9110's choice for well-formed but invalid content) or 400. @default 422 */
    status?: 400 | 422;
    /** Problem type URI for validation failures. @default 'about:blank' */
    type?: string;
    /** Title for validation failures; needs a custom `type`. @default the reason phrase of `status` */
    title?: string;
  };
}

/** A problem together with the status and headers to send it with. */
export interface ResolvedProblem {
  status: number;
  /** Response headers that go with the problem (lower-case names), e.g. `retry-after`. */
  headers: Record<string, string>;
  problem: ProblemDetails;
}

/** Detail sent for errors nobody classified: says nothing about the cause. */
export const GENERIC_DETAIL = 'The server encountered an unexpected condition.';

// Headers worth keeping from foreign errors (http-errors, Koa): the ones the status needs, nothing that
// could describe an upstream response (a fetch error's `headers` belong to someone else's response).
const foreignHeaders = ['www-authenticate', 'allow', 'retry-after'];

type Indexable = Record<string, unknown>;

/** Checks `toProblem` options; throws `ERR_HTTP_STATUS_INVALID_OPTION` naming the bad one. */
export function checkProblemOptions(options: ToProblemOptions): void {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  if (options.instance !== undefined && typeof options.instance !== 'string')
    throw invalidOption('instance', 'expected a string');
  if (options.traceId !== undefined && typeof options.traceId !== 'string')
    throw invalidOption('traceId', 'expected a string');
  const validation = options.validation;
  if (validation === undefined) return;
  if (typeof validation !== 'object' || validation === null) throw invalidOption('validation', 'expected an object');
  if (validation.status !== undefined && validation.status !== 400 && validation.status !== 422) {
    throw invalidOption('validation.status', `expected 400 or 422, got ${String(validation.status)}`);
  }
  const type = validation.type ?? 'about:blank';
  if (typeof type !== 'string' || type === '')
    throw invalidOption('validation.type', 'expected a non-empty URI reference');
  if (validation.title !== undefined && (typeof validation.title !== 'string' || type === 'about:blank')) {
    throw invalidOption('validation.title', 'expected a string, together with a custom validation.type');
  }
}

function titleFor(status: number): string {
  return reasonPhrase(status) ?? (status < 500 ? 'Client Error' : 'Server Error');
}

function statusOf(error: Indexable): number | undefined {
  const status = typeof error.status === 'number' ? error.status : error.statusCode;
  return typeof status === 'number' && isErrorStatus(status) ? status : undefined;
}

function messageOf(error: Indexable): string | undefined {
  return typeof error.message === 'string' && error.message !== '' ? error.message : undefined;
}

function headersOf(error: Indexable): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof error.headers !== 'object' || error.headers === null) return headers;
  for (const [name, value] of Object.entries(error.headers)) {
    const lower = name.toLowerCase();
    if (typeof value === 'string' && foreignHeaders.includes(lower)) headers[lower] = value;
  }
  return headers;
}

// V8's JSON.parse messages all mention JSON ("Unexpected token 'x', ... is not valid JSON",
// "Unexpected end of JSON input"); a SyntaxError from anywhere else is a bug, so a 500.
function isJsonSyntaxError(error: unknown): boolean {
  return error instanceof SyntaxError && /\bJSON\b/.test(error.message);
}

interface ProblemFields {
  type?: string;
  title?: string;
  detail?: string | undefined;
  instance?: string | undefined;
  extensions?: Indexable;
}

function problem(status: number, fields: ProblemFields = {}): ProblemDetails {
  const details: ProblemDetails = {
    type: fields.type ?? 'about:blank',
    title: fields.title ?? titleFor(status),
    status,
  };
  if (fields.detail !== undefined) details.detail = fields.detail;
  if (fields.instance !== undefined) details.instance = fields.instance;
  // Standard members are decided above; an extension never shadows one (RFC 9457 §3.2).
  const extensions = fields.extensions;
  if (extensions !== undefined) {
    for (const name of Object.keys(extensions)) if (!standardMembers.has(name)) details[name] = extensions[name];
  }
  return details;
}

// An error of an @infra package says itself what a client may see (its `status` and `expose`), so it is
// recognised by its mark before any duck typing: `EnvError` carries `issues`, which are configuration findings,
// not a client's validation failure, and must never be answered as one.
function infraProblem(error: InfraErrorLike): ResolvedProblem {
  const status = typeof error.status === 'number' && isErrorStatus(error.status) ? error.status : 500;
  const expose = error.expose === true && status < 500;
  const detail = expose ? messageOf(error as unknown as Indexable) : undefined;
  return {
    status,
    headers: headersOf(error as unknown as Indexable),
    problem: problem(status, {
      detail,
      extensions: expose ? { code: error.code } : {},
    }),
  };
}

function classify(error: unknown, options: ToProblemOptions): ResolvedProblem {
  if (isHttpError(error)) {
    const type = typeof error.type === 'string' ? error.type : 'about:blank';
    // Read defensively: the error may come from another copy (another version) of this package.
    return {
      status: error.status,
      headers: typeof error.headers === 'object' && error.headers !== null ? { ...error.headers } : {},
      problem: problem(error.status, {
        type,
        title: type === 'about:blank' || typeof error.title !== 'string' ? titleFor(error.status) : error.title,
        detail: error.expose && typeof error.detail === 'string' ? error.detail : undefined,
        instance: typeof error.instance === 'string' ? error.instance : undefined,
        extensions: typeof error.extensions === 'object' && error.extensions !== null ? error.extensions : {},
      }),
    };
  }
  if (isInfraError(error)) return infraProblem(error);
  if (typeof error === 'object' && error !== null) {
    const indexable = error as Indexable;
    const status = statusOf(indexable);
    if (status !== undefined) {
      const expose = typeof indexable.expose === 'boolean' ? indexable.expose : status < 500;
      const detail = expose ? messageOf(indexable) : undefined;
      const errors = expose ? validationIssues(indexable) : undefined;
      return {
        status,
        headers: headersOf(indexable),
        problem: problem(status, {
          detail,
          extensions: {
            ...(expose && typeof indexable.code === 'string' ? { code: indexable.code } : {}),
            ...(errors === undefined ? {} : { errors }),
          },
        }),
      };
    }
    const issues = validationIssues(indexable);
    if (issues !== undefined) return validationProblem(issues, options);
  }
  if (isJsonSyntaxError(error)) {
    return { status: 400, headers: {}, problem: problem(400, { detail: 'The request body is not valid JSON.' }) };
  }
  const expose = typeof error === 'object' && error !== null && (error as Indexable).expose === true;
  const detail = (expose && messageOf(error as Indexable)) || GENERIC_DETAIL;
  return { status: 500, headers: {}, problem: problem(500, { detail }) };
}

function validationProblem(errors: ValidationIssue[], options: ToProblemOptions): ResolvedProblem {
  const status = options.validation?.status ?? 422;
  const type = options.validation?.type ?? 'about:blank';
  const title = type === 'about:blank' ? titleFor(status) : (options.validation?.title ?? titleFor(status));
  return { status, headers: {}, problem: problem(status, { type, title, extensions: { errors } }) };
}

/**
 * Like `toProblem`, plus the status and headers to send: what an adapter needs. Never throws for
 * any `error`; a value that cannot even be inspected becomes a generic 500.
 */
export function resolveProblem(error: unknown, options: ToProblemOptions = {}): ResolvedProblem {
  checkProblemOptions(options);
  let resolved: ResolvedProblem;
  try {
    resolved = classify(error, options);
  } catch {
    // A hostile value (a Proxy, a throwing getter) must not turn the error handler into a second failure.
    resolved = { status: 500, headers: {}, problem: problem(500, { detail: GENERIC_DETAIL }) };
  }
  const { problem: details } = resolved;
  if (details.instance === undefined && options.instance !== undefined) details.instance = options.instance;
  if (options.traceId !== undefined) details.traceId = options.traceId;
  return resolved;
}

/**
 * An RFC 9457 problem details object for any thrown value:
 * - `HttpError` → its status and members (`detail` only when `expose`);
 * - an error of any `@infra` package (recognised by its mark, before anything below) → its `status` (500 when it
 *   has none), with `detail` and `code` only when it is exposed (a 4xx); a 5xx, such as a configuration error,
 *   gets the generic detail;
 * - any other error with a numeric `status`/`statusCode` in 400–599 (other `@infra` errors, http-errors,
 *   Fastify) → that status, with `detail` and `code` only when exposed (`expose`, default status < 500);
 * - zod / Standard Schema issues → 422 (or `validation.status`) with `errors: [{ detail, pointer }]`;
 * - a `JSON.parse` `SyntaxError` (a request body) → 400;
 * - anything else → 500 with a generic detail: the message of an unknown error is never sent.
 *
 * @example
 * toProblem(HttpError.notFound('No order 42')); // { type: 'about:blank', title: 'Not Found', status: 404, detail: 'No order 42' }
 */
export function toProblem(error: unknown, options?: ToProblemOptions): ProblemDetails {
  return resolveProblem(error, options).problem;
}
