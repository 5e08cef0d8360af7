import {
  InfraError,
  type InfraErrorOptions,
  invalidOptionMessage,
  type OptionChecks,
  optionChecks,
} from '../../../internal/src/index.ts';

/**
 * Stable codes of `AuthError`; part of the public API. Grouped by concern: each concern (tokens, keys,
 * sessions, and later passwords, TOTP, throttling, CSRF) adds its own block of codes here.
 */
export type AuthErrorCode =
  /** An option (of a factory, a store or a call) is missing or wrong; thrown at once, naming the option. */
  | 'ERR_AUTH_INVALID_OPTION'
  /** The instance was closed. */
  | 'ERR_AUTH_CLOSED'
  /** A store (Redis, PostgreSQL) failed or did not answer (status 503). */
  | 'ERR_AUTH_STORE_UNAVAILABLE'
  // tokens (access and refresh)
  /** The token is past its `exp` (beyond the clock tolerance), or its refresh family timed out (status 401). */
  | 'ERR_AUTH_TOKEN_EXPIRED'
  /** The token is malformed, forged, of another type, issuer or audience, or signed by an unknown key (401). */
  | 'ERR_AUTH_TOKEN_INVALID'
  /** The token was revoked: its `jti`, its user (`revokeUser`) or its refresh family (status 401). */
  | 'ERR_AUTH_TOKEN_REVOKED'
  /** A rotated refresh token was presented after the grace window: its family is now revoked (status 401). */
  | 'ERR_AUTH_TOKEN_REUSED'
  /** The token is valid but lacks a required scope (status 403). */
  | 'ERR_AUTH_FORBIDDEN'
  // keys
  /** A remote JWKS could not be fetched or read (status 503). */
  | 'ERR_AUTH_JWKS_UNAVAILABLE'
  /** The key ring has no key to sign with (all retired, or none loaded yet). */
  | 'ERR_AUTH_NO_SIGNING_KEY'
  /** `rotate()` came before the `next` key had been published for `jwksMaxAge`: a cached JWKS may lack it. */
  | 'ERR_AUTH_KEY_NOT_PUBLISHED'
  /** A key could not be imported, or a stored private key could not be decrypted (unknown or wrong KEK). */
  | 'ERR_AUTH_KEY_INVALID'
  // sessions
  /** The session token is malformed, unknown, ended or timed out, or its secret does not match (status 401). */
  | 'ERR_AUTH_SESSION_INVALID'
  // passwords
  /** A password is not a string, is shorter than `minLength` or longer than `maxLength` (status 400). */
  | 'ERR_AUTH_PASSWORD_INVALID'
  /** A stored password hash is in no supported format (or needs argon2 on a Node without it). */
  | 'ERR_AUTH_PASSWORD_HASH_UNSUPPORTED'
  /** `maxQueued` password hashes are already waiting for a slot (status 503). */
  | 'ERR_AUTH_PASSWORD_BUSY'
  // TOTP
  /** A TOTP secret is not base32 or shorter than 128 bits. */
  | 'ERR_AUTH_TOTP_SECRET_INVALID'
  // login throttling
  /** Too many failed logins for this account or from this network; `retryAfterMs` says when (status 429). */
  | 'ERR_AUTH_LOGIN_THROTTLED'
  // CSRF
  /** A cross-site request, or a missing or forged CSRF token, on an unsafe method (status 403). */
  | 'ERR_AUTH_CSRF_REJECTED';

/** What an `AuthError` takes besides its code and message. */
export interface AuthErrorOptions extends InfraErrorOptions {
  /** Response headers that go with it (lower-case names), e.g. `www-authenticate` on a 401. */
  headers?: Record<string, string>;
}

/**
 * Base class of every error `@infra/auth` throws. A 401 or 403 carries `headers['www-authenticate']`
 * (RFC 6750), so `@infra/http-status` answers it as problem+json with that header.
 */
export class AuthError extends InfraError<AuthErrorCode> {
  override name = 'AuthError';
  /** Response headers an app should send with this error (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: AuthErrorCode, message: string, options?: AuthErrorOptions) {
    super(code, message, options);
    this.headers = Object.freeze({ ...options?.headers });
  }
}

/** The error every bad option throws: names the option and says what was wrong. */
export function invalidOption(option: string, problem: string): AuthError {
  return new AuthError('ERR_AUTH_INVALID_OPTION', invalidOptionMessage(option, problem));
}

/** The option checks of `@infra/auth`, all throwing `ERR_AUTH_INVALID_OPTION`. */
export const check: OptionChecks = optionChecks(invalidOption);

/**
 * An RFC 6750 auth-param value: printable ASCII without `"` or `\` (§3: error_description is
 * %x20-21 / %x23-5B / %x5D-7E), so nothing has to be escaped and no client parser can be confused.
 */
function quoted(value: string): string {
  return `"${value
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, ' ')}"`;
}

/** The `WWW-Authenticate` value of a failed bearer check (RFC 6750 §3). */
export function bearerChallenge(
  error: 'invalid_token' | 'insufficient_scope' | undefined,
  description?: string,
  scope?: string,
): string {
  const params = [];
  if (error !== undefined) params.push(`error=${quoted(error)}`);
  if (description !== undefined) params.push(`error_description=${quoted(description)}`);
  if (scope !== undefined) params.push(`scope=${quoted(scope)}`);
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}

/** A 401 for a token: the code, a message that names no secret, and the RFC 6750 challenge. */
export function tokenError(
  code: 'ERR_AUTH_TOKEN_EXPIRED' | 'ERR_AUTH_TOKEN_INVALID' | 'ERR_AUTH_TOKEN_REVOKED' | 'ERR_AUTH_TOKEN_REUSED',
  message: string,
  cause?: unknown,
): AuthError {
  return new AuthError(code, message, {
    status: 401,
    cause,
    headers: { 'www-authenticate': bearerChallenge('invalid_token', message) },
  });
}

/** A 401 for a session cookie (no bearer challenge: the client did not use one). */
export function sessionError(code: 'ERR_AUTH_SESSION_INVALID', message: string): AuthError {
  return new AuthError(code, message, { status: 401 });
}

/** The error of any call on a closed instance. */
export function closedError(what: string): AuthError {
  return new AuthError('ERR_AUTH_CLOSED', `${what} is closed`);
}
