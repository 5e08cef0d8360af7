import {
  InfraError,
  type InfraErrorOptions,
  invalidOptionMessage,
  type OptionChecks,
  optionChecks,
} from '../../../internal/src/index.ts';

/** Stable codes of `MailError`; part of the public API. */
export type MailErrorCode =
  | 'ERR_MAIL_INVALID_OPTION'
  /** An address that is not a strict RFC 5322 / RFC 6531 mailbox. */
  | 'ERR_MAIL_INVALID_ADDRESS'
  /** A header or envelope value holding CR, LF or another control character. */
  | 'ERR_MAIL_HEADER_INJECTION'
  /** A message missing what it needs (recipients, a body) or holding a malformed part. */
  | 'ERR_MAIL_INVALID_MESSAGE'
  /** A non-ASCII mailbox and a server that does not announce SMTPUTF8. */
  | 'ERR_MAIL_SMTPUTF8_UNSUPPORTED'
  /** A template name the mailer does not know. */
  | 'ERR_MAIL_UNKNOWN_TEMPLATE'
  /** Template data the template's schema rejected. */
  | 'ERR_MAIL_TEMPLATE_DATA'
  /** A failure that may pass on a later try: SMTP 4xx, HTTP 429/5xx, a network error before hand-over. */
  | 'ERR_MAIL_TRANSIENT'
  /** A refusal that will not change: SMTP 5xx on a recipient, HTTP 4xx. */
  | 'ERR_MAIL_REJECTED'
  /** The connection was lost after the message was handed over: it may or may not have been delivered. */
  | 'ERR_MAIL_UNKNOWN_OUTCOME'
  /** Another send with the same idempotency key is in progress. */
  | 'ERR_MAIL_IN_PROGRESS'
  /** A send did not finish within `timeout`. */
  | 'ERR_MAIL_TIMEOUT'
  /** The mailer is closed, or closed before this send could finish. */
  | 'ERR_MAIL_CLOSED'
  /** An idempotency store failed. */
  | 'ERR_MAIL_STORE';

/** How a failed send attempt ended, which decides whether it may be retried or failed over. */
export type FailureKind = 'transient' | 'permanent' | 'unknown';

/** What a {@link MailError} from a transport carries besides its code. */
export interface MailErrorOptions extends InfraErrorOptions {
  /** The transport that failed. */
  transport?: string;
  /** The server's reply code: SMTP (e.g. 451) or HTTP (e.g. 429). */
  responseCode?: number;
  /** How long the server asked to wait (HTTP `Retry-After`), in ms. */
  retryAfterMs?: number;
}

/** Base class of every error `@infra/mail` throws. */
export class MailError extends InfraError<MailErrorCode> {
  override name = 'MailError';
  /** The transport that failed, for transport errors. */
  readonly transport: string | undefined;
  /** The server's reply code (SMTP or HTTP), for transport errors. */
  readonly responseCode: number | undefined;
  /** How long the server asked to wait before a retry, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(code: MailErrorCode, message: string, options?: MailErrorOptions) {
    super(code, message, options);
    this.transport = options?.transport;
    this.responseCode = options?.responseCode;
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** For a send failure: whether it may pass later, will not, or may already have been delivered. */
  get kind(): FailureKind | undefined {
    return kindOfCode(this.code);
  }
}

function kindOfCode(code: MailErrorCode): FailureKind | undefined {
  if (code === 'ERR_MAIL_TRANSIENT') return 'transient';
  if (code === 'ERR_MAIL_UNKNOWN_OUTCOME' || code === 'ERR_MAIL_TIMEOUT') return 'unknown';
  if (code === 'ERR_MAIL_REJECTED' || code === 'ERR_MAIL_SMTPUTF8_UNSUPPORTED') return 'permanent';
  return undefined;
}

/** The error every bad option throws: names the option and says what was wrong. */
export function invalidOption(option: string, problem: string): MailError {
  return new MailError('ERR_MAIL_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The option checks of `@infra/mail`, all throwing `ERR_MAIL_INVALID_OPTION`. */
export const check: OptionChecks = optionChecks(invalidOption);
