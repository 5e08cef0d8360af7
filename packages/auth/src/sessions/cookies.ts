// Session cookies with safe defaults: the `__Host-` prefix (Secure, Path=/, no Domain: the cookie cannot be
// set by a sibling subdomain or over plain HTTP), HttpOnly (no script reads it), SameSite=Lax.
import { check, invalidOption } from '../errors.ts';

/** Options of {@link sessionCookie}. */
export interface CookieOptions {
  /** The cookie name; a `__Host-` name requires `secure`, path `/` and no `domain`. @default '__Host-session' */
  name?: string;
  /** @default true */
  secure?: boolean;
  /** @default true */
  httpOnly?: boolean;
  /** @default 'Lax' */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** @default '/' */
  path?: string;
  /** Not allowed with a `__Host-` name. @default undefined */
  domain?: string;
  /** `Max-Age` in seconds; `undefined` makes a browser-session cookie. @default undefined */
  maxAge?: number;
}

const defaultName = '__Host-session';
const namePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const valuePattern = /^[A-Za-z0-9._-]*$/;

/**
 * The `Set-Cookie` value that stores a session token.
 *
 * @example res.setHeader('set-cookie', sessionCookie(token))
 */
export function sessionCookie(token: string, options: CookieOptions = {}): string {
  const name = check.string(options.name, 'name', defaultName);
  if (!namePattern.test(name)) throw invalidOption('name', 'expected a cookie name (RFC 6265 token characters)');
  if (typeof token !== 'string' || !valuePattern.test(token)) throw invalidOption('token', 'expected a session token');
  const secure = check.boolean(options.secure, 'secure', true);
  const httpOnly = check.boolean(options.httpOnly, 'httpOnly', true);
  const sameSite = check.oneOf(options.sameSite, 'sameSite', ['Strict', 'Lax', 'None'], 'Lax');
  const path = check.string(options.path, 'path', '/');
  const domain = options.domain === undefined ? undefined : check.string(options.domain, 'domain');
  if (name.startsWith('__Host-') && (!secure || path !== '/' || domain !== undefined)) {
    throw invalidOption('name', 'a __Host- cookie must be secure, have path "/" and no domain');
  }
  if (name.startsWith('__Secure-') && !secure) throw invalidOption('secure', 'a __Secure- cookie must be secure');
  if (sameSite === 'None' && !secure)
    throw invalidOption('sameSite', "'None' needs secure (browsers drop it otherwise)");
  const parts = [`${name}=${token}`, `Path=${path}`];
  if (domain !== undefined) parts.push(`Domain=${domain}`);
  if (options.maxAge !== undefined)
    parts.push(`Max-Age=${check.number(options.maxAge, 'maxAge', { min: 0, integer: true })}`);
  if (secure) parts.push('Secure');
  if (httpOnly) parts.push('HttpOnly');
  parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

/** The `Set-Cookie` value that deletes the session cookie (a logout). */
export function clearSessionCookie(options: CookieOptions = {}): string {
  return sessionCookie('', { ...options, maxAge: 0 });
}

/** The session token in a `Cookie` request header, or `undefined`. */
export function readSessionCookie(header: string | undefined, name: string = defaultName): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    if (pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}
