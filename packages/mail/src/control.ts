// The one check every header and envelope value passes: no CR, LF or other control character, so no value can
// end a header line and start another (header injection) or smuggle an SMTP command into the envelope.
import { MailError } from './errors.ts';

// C0 controls (tab included: a folded header is the transport's job, never the caller's), DEL, C1 controls, and
// the Unicode line and paragraph separators that some mail software treats as line ends.
const control = /[\p{Cc}\u2028\u2029]/u;

/** Throws `ERR_MAIL_HEADER_INJECTION` naming `what` if `value` holds a control character. */
export function assertNoControl(value: string, what: string): string {
  const match = control.exec(value);
  if (match !== null) {
    const code = match[0].codePointAt(0)?.toString(16).padStart(4, '0');
    throw new MailError(
      'ERR_MAIL_HEADER_INJECTION',
      `${what} holds a control character (U+${code?.toUpperCase()} at ${match.index}); CR, LF and other controls are never sent`,
      { status: 400 },
    );
  }
  return value;
}

/** Whether `value` holds a control character. */
export function hasControl(value: string): boolean {
  return control.test(value);
}
