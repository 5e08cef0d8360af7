import { invalidOptionMessage, markInfraError } from '../../../internal/src/index.ts';
import type { EnvIssue, ProductionFinding } from './types.ts';

/** Stable codes of `EnvError`; part of the public API. */
export type EnvErrorCode =
  /** An option or a schema entry given to `@infra/env` is wrong (a programming error, not a config error). */
  | 'ERR_ENV_INVALID_OPTION'
  /** One or more variables are missing or invalid; `issues` lists every one. */
  | 'ERR_ENV_VALIDATION'
  /** A `.env` file marked required is missing, or a file could not be read. */
  | 'ERR_ENV_FILE'
  /** `assertProductionReady` found problems; `findings` lists them. */
  | 'ERR_ENV_NOT_PRODUCTION_READY';

/** What the `EnvError` constructor takes besides its code and message. */
export interface EnvErrorOptions {
  /** The error that caused this one, passed through unchanged. */
  cause?: unknown;
  /** HTTP status an app would answer with. @default 500 */
  status?: number;
  /** Every missing or invalid variable. @default [] */
  issues?: readonly EnvIssue[];
  /** Production-readiness findings. @default [] */
  findings?: readonly ProductionFinding[];
}

/**
 * The error of `@infra/env`: always a configuration (or programming) error of the service itself, so it answers
 * as a 500 whose detail is never shown to a client (`expose` is `false`), whatever its `issues` hold.
 */
export class EnvError extends Error {
  override name = 'EnvError';
  /** Stable, documented code; match on this, not on the message. */
  readonly code: EnvErrorCode;
  /** HTTP status an app would answer with: 500 unless given. */
  readonly status: number;
  /** Every missing or invalid variable (`ERR_ENV_VALIDATION`); empty for other codes. */
  readonly issues: readonly EnvIssue[];
  /** The production-readiness findings (`ERR_ENV_NOT_PRODUCTION_READY`); empty for other codes. */
  readonly findings: readonly ProductionFinding[];

  constructor(code: EnvErrorCode, message: string, options: EnvErrorOptions = {}) {
    // Extends Error, not the kernel's InfraError, and carries the @infra mark through `markInfraError` below: the
    // extra constructor level made a failed 50-variable parse 6-8 % slower (bench: env, 6 invalid).
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.issues = Object.freeze([...(options.issues ?? [])]);
    this.findings = Object.freeze([...(options.findings ?? [])]);
  }

  /** Always `false`: variable names, sources and reasons describe the server's setup, not the client's request. */
  get expose(): boolean {
    return false;
  }
}

markInfraError(EnvError.prototype);

/** The `ERR_ENV_INVALID_OPTION` error for a bad option, in the one message form of every `@infra` package. */
export function invalidOption(option: string, problem: string): EnvError {
  return new EnvError('ERR_ENV_INVALID_OPTION', invalidOptionMessage(option, problem));
}
