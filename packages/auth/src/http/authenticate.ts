// What every `requireAuth` adapter does, framework aside: find the credentials (a bearer token, else the session
// cookie), verify them, check scopes, and turn a refusal into a problem+json answer with `WWW-Authenticate`.
//
// The problem body is built here, structurally (RFC 9457: type, title, status, detail, code), rather than
// through `@infra/http-status`: every `@infra` package installs alone, and a 401/403 body is a few fields. A test
// holds it equal to what `@infra/http-status`'s `toProblem` makes of the same `AuthError`.
import { problemBody, problemContentType } from '../../../../internal/src/index.ts';
import { AuthError, bearerChallenge, check, invalidOption } from '../errors.ts';
import { readSessionCookie } from '../sessions/cookies.ts';
import type { Session } from '../sessions/sessions.ts';
import type { AccessTokenClaims } from '../tokens/claims.ts';

/** Who made the request, as `requireAuth` puts it on the request. */
export type Principal =
  | { type: 'bearer'; userId: string; claims: AccessTokenClaims }
  | { type: 'session'; userId: string; session: Session };

/** Options of every `requireAuth` adapter. Give `tokens`, `sessions`, or both. */
export interface RequireAuthOptions {
  /** Verifies bearer tokens: `createTokens(...)` or `createRemoteVerifier(...)`. */
  tokens?: { verifyAccessToken(token: string): Promise<AccessTokenClaims> };
  /** Validates the session cookie: `createSessions(...)`. */
  sessions?: { validate(token: string): Promise<Session> };
  /** The session cookie's name. @default '__Host-session' */
  cookieName?: string;
  /** Scopes a bearer token must all carry (its `scope` claim); a missing one is a 403. @default [] */
  scope?: string | readonly string[];
}

/** The request parts authentication reads. */
export interface CredentialHeaders {
  authorization?: string | undefined;
  cookie?: string | undefined;
}

/** A refusal as sent: status, headers and the problem+json body. */
export interface AuthAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Checked options, ready for {@link authenticate}. */
export interface Authenticator {
  authenticate(headers: CredentialHeaders): Promise<Principal>;
}

/** Checks `requireAuth` options once, at setup. */
export function createAuthenticator(options: RequireAuthOptions): Authenticator {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('options', 'expected { tokens } or { sessions }');
  const { tokens, sessions } = options;
  if (tokens === undefined && sessions === undefined) throw invalidOption('tokens', 'give tokens, sessions or both');
  if (tokens !== undefined && typeof tokens.verifyAccessToken !== 'function') {
    throw invalidOption('tokens', 'expected createTokens() or createRemoteVerifier()');
  }
  if (sessions !== undefined && typeof sessions.validate !== 'function')
    throw invalidOption('sessions', 'expected createSessions()');
  const cookieName = check.string(options.cookieName, 'cookieName', '__Host-session');
  const scopes =
    typeof options.scope === 'string' ? options.scope.split(' ').filter(Boolean) : [...(options.scope ?? [])];
  const challenge = tokens === undefined ? undefined : bearerChallenge(undefined);

  return {
    async authenticate(headers) {
      const authorization = headers.authorization;
      if (authorization !== undefined && tokens !== undefined) {
        const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization.trim());
        if (match === null) throw unauthenticated('the Authorization header is not a bearer token', challenge);
        const claims = await tokens.verifyAccessToken(match[1] as string);
        const granted = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ') : []);
        const missing = scopes.filter((s) => !granted.has(s));
        if (missing.length > 0) {
          throw new AuthError('ERR_AUTH_FORBIDDEN', `the token lacks the scope ${missing.join(' ')}`, {
            status: 403,
            headers: {
              'www-authenticate': bearerChallenge(
                'insufficient_scope',
                'the token lacks a required scope',
                scopes.join(' '),
              ),
            },
          });
        }
        return { type: 'bearer', userId: claims.sub, claims };
      }
      const cookie = sessions === undefined ? undefined : readSessionCookie(headers.cookie, cookieName);
      if (cookie !== undefined && sessions !== undefined) {
        const session = await sessions.validate(cookie);
        return { type: 'session', userId: session.userId, session };
      }
      throw unauthenticated('authentication is required', challenge);
    },
  };
}

function unauthenticated(message: string, challenge: string | undefined): AuthError {
  // RFC 6750 §3.1: a request without credentials gets the bare challenge, no error code.
  return new AuthError('ERR_AUTH_TOKEN_INVALID', message, {
    status: 401,
    ...(challenge === undefined ? {} : { headers: { 'www-authenticate': challenge } }),
  });
}

/** Whether `error` is a refusal to answer here (401/403), as opposed to a failure for the app's error handling. */
export function isRefusal(error: unknown): error is AuthError {
  return error instanceof AuthError && (error.status === 401 || error.status === 403);
}

/** The problem+json answer of a 401/403 `AuthError`. */
export function refusalAnswer(error: AuthError): AuthAnswer {
  const status = error.status as number;
  const body = problemBody({ status, detail: error.message, code: error.code });
  return { status, headers: { 'content-type': problemContentType, ...error.headers }, body };
}
