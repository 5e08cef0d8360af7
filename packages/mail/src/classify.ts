// Every failure of a send attempt is one of three kinds, and the kind alone decides what happens next: transient
// may be retried and failed over, permanent fails the message at once, unknown (the message may already be
// delivered) is resent only where a resend cannot deliver twice. Errors a transport did not classify itself are
// classified here, so no error type slips past failover (symfony/symfony#41419).
import { type FailureKind, MailError, type MailErrorCode, type MailErrorOptions } from './errors.ts';

// Socket errors that happen before a single byte of the message left: a resend cannot duplicate anything.
const beforeHandOver = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// Refusals of the mailer itself rather than of a transport. None says the message is bad, so none is permanent
// (an app following that would drop a mail because it met a shutdown): another sender holds the key, so try later;
// a close cut the send short, or the de-duplication record could not be read or written, so it may be delivered.
const mailerKinds: Partial<Record<MailErrorCode, FailureKind>> = {
  ERR_MAIL_IN_PROGRESS: 'transient',
  ERR_MAIL_CLOSED: 'unknown',
  ERR_MAIL_STORE: 'unknown',
};

/** The kind of a failed attempt; errors nobody classified are `unknown`, the kind that never resends blindly. */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof MailError) return error.kind ?? mailerKinds[error.code] ?? 'permanent';
  return networkCode(error) !== undefined ? 'transient' : 'unknown';
}

/** The socket error code of `error` or of its cause (fetch puts it there), when it is one sent before hand-over. */
export function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && beforeHandOver.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Wraps what a transport threw into a classified `MailError` (a `MailError` is passed through). */
export function toMailError(error: unknown, transport: string): MailError {
  if (error instanceof MailError) return error;
  const options: MailErrorOptions = { cause: error, transport };
  const message = error instanceof Error ? error.message : String(error);
  const code = networkCode(error);
  if (code !== undefined) {
    return new MailError('ERR_MAIL_TRANSIENT', `${transport}: could not connect (${code}): ${message}`, options);
  }
  return new MailError(
    'ERR_MAIL_UNKNOWN_OUTCOME',
    `${transport}: the send failed with an unclassified error: ${message}`,
    options,
  );
}

/** A `MailError` of `kind` from a transport. */
export function sendError(kind: FailureKind, message: string, options: MailErrorOptions): MailError {
  const code =
    kind === 'transient'
      ? 'ERR_MAIL_TRANSIENT'
      : kind === 'permanent'
        ? 'ERR_MAIL_REJECTED'
        : 'ERR_MAIL_UNKNOWN_OUTCOME';
  return new MailError(code, message, options);
}
