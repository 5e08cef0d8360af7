/**
 * `createCsrf`: the two layers OWASP's CSRF cheat sheet recommends for unsafe methods. First the browser's own
 * word: Fetch Metadata (`Sec-Fetch-Site`) and, where a browser sends none, `Origin`; a cross-site request is
 * refused before anything else. Then a signed double-submit token: a random value and its HMAC bound to the
 * session id, in a cookie and echoed in a header or form field, so a token planted by a sibling subdomain or
 * taken from another session does not pass. Safe methods (GET, HEAD, OPTIONS) always pass.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthError, check, invalidOption } from '../errors.ts';

/** Options of {@link createCsrf}. */
export interface CsrfOptions {
  /** HMAC key of the tokens, at least 32 bytes (e.g. from `@infra/env` secrets). Required. */
  secret: string | Uint8Array;
  /**
   * Origins allowed besides the request's own (`https://app.example.com`); the own origin is read from `Host`.
   * @default []
   */
  trustedOrigins?: readonly string[];
  /** Accept `Sec-Fetch-Site: same-site` (sibling subdomains). @default false */
  allowSameSite?: boolean;
  /** Require the double-submit token on unsafe methods (turn off only for APIs authenticated by bearer tokens). @default true */
  requireToken?: boolean;
  /** Cookie holding the token; the `__Host-` prefix pins it to this host over HTTPS. @default '__Host-csrf' */
  cookieName?: string;
  /** Header a script echoes the token in. @default 'x-csrf-token' */
  headerName?: string;
  /** Form field a form echoes the token in (read when the framework has parsed the body). @default '_csrf' */
  fieldName?: string;
}

/** What {@link Csrf.check} looks at, whatever the framework. */
export interface CsrfRequest {
  method: string;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  /** The session the token must be bound to; `''` before login. */
  sessionId: string;
  /** The token from the parsed form body, if any. */
  bodyToken?: string | undefined;
}

/** Why a request was refused. */
export type CsrfFailure =
  | 'cross-site'
  | 'same-site'
  | 'origin-mismatch'
  | 'token-missing'
  | 'token-mismatch'
  | 'token-invalid';

/** The answer of {@link Csrf.check}. */
export type CsrfDecision = { ok: true } | { ok: false; reason: CsrfFailure };

/** A token and the `Set-Cookie` value that carries it. */
export interface CsrfToken {
  token: string;
  /** A `Set-Cookie` header value. */
  cookie: string;
}

/** CSRF protection. */
export interface Csrf {
  /** A new token bound to `sessionId` (`''` before login), with its cookie; put the token in forms or a meta tag. */
  issue(sessionId: string): CsrfToken;
  /** Whether `token` was issued by this secret for `sessionId`. */
  valid(token: string | undefined, sessionId: string): boolean;
  /** The decision for one request. */
  check(request: CsrfRequest): CsrfDecision;
  /** The error for a refused request: `ERR_AUTH_CSRF_REJECTED`, status 403. */
  error(reason: CsrfFailure): AuthError;
  readonly cookieName: string;
  readonly headerName: string;
  readonly fieldName: string;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** `https://Example.com:443/` → `https://example.com`; `undefined` when it is not an http(s) origin. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** The value of cookie `name` in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Creates CSRF protection.
 *
 * @example
 * const csrf = createCsrf({ secret: env.CSRF_SECRET });
 * app.use(csrfMiddleware({ csrf, sessionId: (req) => req.session?.id ?? '' }));
 */
export function createCsrf(options: CsrfOptions): Csrf {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  if (!(secret instanceof Uint8Array) || secret.length < 32) {
    throw invalidOption('secret', 'must be a string or bytes of at least 32 bytes (256 bits)');
  }
  const trusted = new Set<string>();
  for (const origin of options.trustedOrigins ?? []) {
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined || normalized !== origin.replace(/\/$/, '').toLowerCase()) {
      throw invalidOption(
        'trustedOrigins',
        `expected origins such as 'https://app.example.com', got ${JSON.stringify(origin)}`,
      );
    }
    trusted.add(normalized);
  }
  const allowSameSite = check.boolean(options.allowSameSite, 'allowSameSite', false);
  const requireToken = check.boolean(options.requireToken, 'requireToken', true);
  const cookieName = check.string(options.cookieName, 'cookieName', '__Host-csrf');
  const headerName = check.string(options.headerName, 'headerName', 'x-csrf-token').toLowerCase();
  const fieldName = check.string(options.fieldName, 'fieldName', '_csrf');
  const secure = cookieName.startsWith('__Host-') || cookieName.startsWith('__Secure-');

  // Length-prefixed, so ("ab", "c") and ("a", "bc") never sign alike.
  const sign = (sessionId: string, nonce: string) =>
    createHmac('sha256', secret).update(`${sessionId.length}!${sessionId}!${nonce}`).digest('base64url');

  function valid(token: string | undefined, sessionId: string): boolean {
    if (typeof token !== 'string' || token.length > 200) return false;
    const dot = token.indexOf('.');
    if (dot <= 0) return false;
    const expected = Buffer.from(sign(sessionId, token.slice(0, dot)));
    const given = Buffer.from(token.slice(dot + 1));
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** The browser's own word about where the request comes from; `undefined` when it gives none. */
  function provenance(request: CsrfRequest): CsrfFailure | 'ok' | undefined {
    const site = request.header('sec-fetch-site');
    const origin = request.header('origin');
    const originTrusted = origin !== undefined && trusted.has(normalizeOrigin(origin) ?? '');
    if (site !== undefined) {
      if (site === 'same-origin' || site === 'none') return 'ok';
      if (originTrusted) return 'ok';
      if (site === 'same-site') return allowSameSite ? 'ok' : 'same-site';
      return 'cross-site';
    }
    if (origin === undefined) return undefined;
    if (originTrusted) return 'ok';
    const host = request.header('host');
    const normalized = origin === 'null' ? undefined : normalizeOrigin(origin);
    return normalized !== undefined && host !== undefined && new URL(normalized).host === host.toLowerCase()
      ? 'ok'
      : 'origin-mismatch';
  }

  return {
    cookieName,
    headerName,
    fieldName,
    issue(sessionId) {
      const nonce = randomBytes(18).toString('base64url');
      const token = `${nonce}.${sign(String(sessionId), nonce)}`;
      const cookie = `${cookieName}=${token}; Path=/; SameSite=Strict${secure ? '; Secure' : ''}`;
      return { token, cookie };
    },
    valid,
    check(request) {
      if (safeMethods.has(request.method.toUpperCase())) return { ok: true };
      const source = provenance(request);
      if (source !== undefined && source !== 'ok') return { ok: false, reason: source };
      if (!requireToken) return { ok: true };
      const cookie = readCookie(request.header('cookie'), cookieName);
      const sent = request.header(headerName) ?? request.bodyToken;
      if (cookie === undefined || sent === undefined || sent === '') return { ok: false, reason: 'token-missing' };
      const a = Buffer.from(cookie);
      const b = Buffer.from(sent);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'token-mismatch' };
      return valid(sent, request.sessionId) ? { ok: true } : { ok: false, reason: 'token-invalid' };
    },
    error(reason) {
      return new AuthError('ERR_AUTH_CSRF_REJECTED', `Request refused by CSRF protection (${reason})`, { status: 403 });
    },
  };
}
