/**
 * What a password becomes before it is hashed: NFKC (so the same password typed on two keyboards, composed or not,
 * is the same bytes; NIST SP 800-63B 5.1.1.2), then UTF-8, bounded so a megabyte "password" cannot tie up a worker.
 */
import { AuthError } from '../errors.ts';

const encoder = new TextEncoder();

/** The UTF-8 bytes to hash, or an `ERR_AUTH_PASSWORD_INVALID` naming what was wrong (never the password). */
export function passwordBytes(password: unknown, minLength: number, maxBytes: number): Uint8Array {
  if (typeof password !== 'string') {
    throw new AuthError('ERR_AUTH_PASSWORD_INVALID', `A password must be a string, got ${typeof password}`, {
      status: 400,
    });
  }
  // Checked before normalising too: NFKC of a huge string is itself work an attacker could ask for.
  if (password.length > maxBytes) throw tooLong(maxBytes);
  const normalized = password.normalize('NFKC');
  if ([...normalized].length < minLength) {
    throw new AuthError('ERR_AUTH_PASSWORD_INVALID', `A password must have at least ${minLength} characters`, {
      status: 400,
    });
  }
  const bytes = encoder.encode(normalized);
  if (bytes.length > maxBytes) throw tooLong(maxBytes);
  return bytes;
}

function tooLong(maxBytes: number): AuthError {
  return new AuthError('ERR_AUTH_PASSWORD_INVALID', `A password must be at most ${maxBytes} bytes (UTF-8)`, {
    status: 400,
  });
}
