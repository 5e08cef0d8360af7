// The error base of every `@infra/*` package. Inlined into each package at build, so several copies of this class
// can live in one process (one per package, or two versions of one package). `instanceof` cannot see across
// copies; the mark can: it is a registered symbol, the same in every copy, so `isInfraError` (and
// `@infra/http-status`'s `toProblem`) recognise an error of any `@infra` package without importing it.

const mark: unique symbol = Symbol.for('@infra/error') as never;

/** The fields every `@infra` error carries, as another package (or another copy of this one) sees them. */
export interface InfraErrorLike {
  readonly name: string;
  readonly message: string;
  /** Stable, documented code such as `ERR_CACHE_CLOSED`; match on this, never on the message. */
  readonly code: string;
  /** HTTP status an app would answer with, where one is natural. */
  readonly status: number | undefined;
  /** Whether the message may be shown to the client (never for configuration or internal errors). */
  readonly expose: boolean;
  readonly cause?: unknown;
}

/** What every `@infra` error constructor takes besides its code and message. */
export interface InfraErrorOptions {
  /** The error that caused this one, passed through unchanged. */
  cause?: unknown;
  /** HTTP status an app would answer with, where one is natural. */
  status?: number;
}

/**
 * Base class of the error class of each package (`CacheError`, `AuthError`, ...): a stable `code`, an optional
 * HTTP `status`, `cause` passed through, and the cross-copy mark.
 */
export class InfraError<Code extends string = string> extends Error implements InfraErrorLike {
  /** Stable, documented code; match on this, not on the message. */
  readonly code: Code;
  /** HTTP status an app would answer with, where one is natural. */
  readonly status: number | undefined;

  constructor(code: Code, message: string, options?: InfraErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
  }

  /** Whether the message is safe to show to a client: only 4xx errors, which describe the client's request. */
  get expose(): boolean {
    return this.status !== undefined && this.status >= 400 && this.status < 500;
  }
}

// On the prototype, once: every instance of every subclass inherits it, and an error costs nothing more to make
// (a mark set per instance was measurable on validation-heavy paths). Non-enumerable, so JSON and logs never show it.
Object.defineProperty(InfraError.prototype, mark, { value: true, enumerable: false });

/**
 * Puts the `@infra` mark on an error class that extends `Error` directly rather than {@link InfraError}. Only for
 * an error built on a request's hot path (`HttpError`): every level of `super()` costs V8 a derived-constructor
 * call, which measured 8-19 % of building an `HttpError`. The class must still carry `code`, `status`, `expose`.
 */
export function markInfraError(prototype: InfraErrorLike): void {
  Object.defineProperty(prototype, mark, { value: true, enumerable: false });
}

/** Whether `value` is an error of any `@infra` package (any copy, any version), by its mark. */
export function isInfraError(value: unknown): value is InfraErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[mark] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** The one message form of a bad option: `Invalid option "ttl": expected ...`. */
export function invalidOptionMessage(option: string, problem: string): string {
  return `Invalid option "${option}": ${problem}`;
}

/** Makes a bad option into the package's own error; what {@link optionChecks} throws. */
export type InvalidOption = (option: string, problem: string) => Error;
