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

/** Base class of every error `@infra/env` throws. */
export class EnvError extends Error {
  override name = 'EnvError';
  /** Stable, documented code; match on this, not on the message. */
  readonly code: EnvErrorCode;
  /** HTTP status an app would answer with, where one is natural. */
  readonly status: number | undefined;
  /** Every missing or invalid variable (`ERR_ENV_VALIDATION`); empty for other codes. */
  readonly issues: readonly EnvIssue[];
  /** The production-readiness findings (`ERR_ENV_NOT_PRODUCTION_READY`); empty for other codes. */
  readonly findings: readonly ProductionFinding[];

  constructor(
    code: EnvErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      status?: number;
      issues?: readonly EnvIssue[];
      findings?: readonly ProductionFinding[];
    },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
    this.issues = Object.freeze([...(options?.issues ?? [])]);
    this.findings = Object.freeze([...(options?.findings ?? [])]);
  }
}
