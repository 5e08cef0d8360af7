/**
 * What every framework adapter shares: per-request problem options from the adapter's options,
 * checked once at construction, and logging of the errors a client does not get to see.
 */
import { type Log, type Logger, loggerOption } from '../../../internal/src/index.ts';
import { checks, invalidOption } from './errors.ts';
import { checkProblemOptions, type ToProblemOptions } from './problem.ts';
import type { ProblemResponseOptions } from './response.ts';

export type { Logger } from '../../../internal/src/index.ts';

/**
 * The adapters' logger.
 * @deprecated Use `Logger`, the one logger type of every `@infra` package; removed in the next minor version.
 */
export interface LoggerLike extends Logger {}

/** Options every adapter accepts; `Req` is the framework's request. */
export interface AdapterOptions<Req> extends Omit<ToProblemOptions, 'instance' | 'traceId'> {
  /** The `instance` member for a request, e.g. `(req) => req.url`, when the error has none. @default undefined */
  instance?: (request: Req) => string | undefined;
  /** The `traceId` member for a request, e.g. `(req) => req.headers['x-request-id']`. @default undefined */
  traceId?: (request: Req) => string | undefined;
  /** Where 5xx errors are logged (with the original error as `err`), pino's `(obj, msg)` shape. @default undefined */
  logger?: Logger;
}

/** Adapter options checked once; `forRequest` gives the `problemResponse` options of one request. */
export interface PreparedAdapter<Req> {
  forRequest(request: Req, method: string | undefined): ProblemResponseOptions;
  log(error: unknown, status: number, request: { method?: string | undefined; path?: string | undefined }): void;
}

/** Validates adapter options at construction (throws `ERR_HTTP_STATUS_INVALID_OPTION` naming the option). */
export function prepareAdapter<Req>(options: AdapterOptions<Req> = {}): PreparedAdapter<Req> {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'expected an object');
  const { instance, traceId, logger, ...problemOptions } = options;
  checkProblemOptions(problemOptions);
  checks.optionalFunction(instance, 'instance');
  checks.optionalFunction(traceId, 'traceId');
  const log: Log = loggerOption(logger, invalidOption);
  return {
    forRequest(request, method) {
      const result: ProblemResponseOptions = { ...problemOptions };
      if (method !== undefined) result.method = method;
      const instanceValue = instance?.(request);
      if (typeof instanceValue === 'string') result.instance = instanceValue;
      const traceValue = traceId?.(request);
      if (typeof traceValue === 'string' && traceValue !== '') result.traceId = traceValue;
      return result;
    },
    log(error, status, request) {
      if (status < 500) return;
      log('error', { err: error, status, method: request.method, path: request.path }, `request failed with ${status}`);
    },
  };
}

/** The detail of a 404 for an unmatched route. */
export function noRouteDetail(method: string | undefined, path: string | undefined): string {
  return `No route matches ${method ?? 'GET'} ${path ?? '/'}.`;
}
