/**
 * `createSecurityHeaders`: helmet's set of response headers with OWASP's stricter choices where they differ
 * (framing denied, a nonce-based CSP), each overridable or off. Every header but the CSP is computed once; the CSP
 * is two precomputed halves around a fresh nonce per response.
 */
import { randomBytes } from 'node:crypto';
import type { Duration } from '../../../../internal/src/index.ts';
import { check, invalidOption } from '../errors.ts';

/** CSP directives by name; a value of `false` removes a default directive. */
export type CspDirectives = Record<string, readonly string[] | false>;

/** Options of {@link createSecurityHeaders}; `false` turns a header off. */
export interface SecurityHeadersOptions {
  /**
   * Content-Security-Policy. Directives are merged over the defaults (`default-src 'self'`, `script-src 'self'`
   * with a nonce, `object-src 'none'`, `frame-ancestors 'none'`, `base-uri 'self'`, `form-action 'self'`, ...).
   * `nonce` adds `'nonce-…'` to `script-src` and `style-src`. @default { directives: {}, nonce: true, reportOnly: false }
   */
  contentSecurityPolicy?: { directives?: CspDirectives; nonce?: boolean; reportOnly?: boolean } | false;
  /** Strict-Transport-Security. @default { maxAge: '365d', includeSubDomains: true, preload: false } */
  strictTransportSecurity?: { maxAge?: Duration; includeSubDomains?: boolean; preload?: boolean } | false;
  /** X-Frame-Options, for browsers without `frame-ancestors`. @default 'DENY' */
  frameOptions?: 'DENY' | 'SAMEORIGIN' | false;
  /** @default 'no-referrer' */
  referrerPolicy?: string | false;
  /** Features by name and their allow-list (`[]` = nobody). @default camera, microphone, geolocation, payment, usb: () */
  permissionsPolicy?: Record<string, readonly string[]> | false;
  /** @default 'same-origin' */
  crossOriginOpenerPolicy?: 'same-origin' | 'same-origin-allow-popups' | 'unsafe-none' | false;
  /** @default 'same-origin' */
  crossOriginResourcePolicy?: 'same-origin' | 'same-site' | 'cross-origin' | false;
  /** Off by default (it breaks cross-origin images without CORP), as in helmet. @default false */
  crossOriginEmbedderPolicy?: 'require-corp' | 'credentialless' | false;
}

/** The headers of one response, and the CSP nonce scripts and styles must carry. */
export interface SecurityHeadersResult {
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The nonce in this response's CSP (`<script nonce="…">`), or `undefined` without one. */
  nonce: string | undefined;
}

/** Security headers for responses. */
export interface SecurityHeaders {
  /** The headers for one response (a fresh nonce each call). */
  forResponse(): SecurityHeadersResult;
  /** Sets the headers for one response on `target` (a node response) and returns the nonce: the fast path of the adapters. */
  writeTo(target: { setHeader(name: string, value: string): unknown }): string | undefined;
  /** Header names this instance sets, lower case. */
  readonly names: readonly string[];
}

const defaultDirectives: Record<string, readonly string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", 'https:'],
  'upgrade-insecure-requests': [],
};

const defaultPermissions: Record<string, readonly string[]> = {
  camera: [],
  microphone: [],
  geolocation: [],
  payment: [],
  usb: [],
};

// A directive or value that could end the header or start another directive is refused at construction.
const unsafeChars = /[;,\r\n]/;

function buildCsp(directives: CspDirectives | undefined, nonce: boolean): { before: string; after: string } | string {
  const merged: Record<string, readonly string[]> = { ...defaultDirectives };
  for (const [name, values] of Object.entries(directives ?? {})) {
    if (!/^[a-z-]+$/.test(name))
      throw invalidOption('contentSecurityPolicy.directives', `bad directive name ${JSON.stringify(name)}`);
    if (values === false) {
      delete merged[name];
      continue;
    }
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string' || unsafeChars.test(v))) {
      throw invalidOption(
        'contentSecurityPolicy.directives',
        `${name} must be a list of source strings without ; or ,`,
      );
    }
    merged[name] = values;
  }
  const marker = '\u0000';
  const text = Object.entries(merged)
    .map(([name, values]) => {
      const withNonce =
        nonce && (name === 'script-src' || name === 'style-src') ? [...values, `'nonce-${marker}'`] : values;
      return withNonce.length === 0 ? name : `${name} ${withNonce.join(' ')}`;
    })
    .join('; ');
  if (!text.includes(marker)) return text;
  // Each nonce-bearing directive gets the same nonce: split on the marker, join with the nonce per response.
  const parts = text.split(marker);
  return { before: parts[0] as string, after: parts.slice(1).join(marker) };
}

/**
 * Creates the security headers.
 *
 * @example
 * const headers = createSecurityHeaders({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'https://cdn.example.com'] } } });
 * app.use(securityHeadersMiddleware({ headers })); // Express; res.locals.cspNonce for templates
 */
export function createSecurityHeaders(options: SecurityHeadersOptions = {}): SecurityHeaders {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const fixed: Record<string, string> = {};
  const hsts = options.strictTransportSecurity;
  if (hsts !== false) {
    const maxAge = check.duration(hsts?.maxAge, 'strictTransportSecurity.maxAge', { default: 365 * 86_400_000 });
    let value = `max-age=${Math.floor(maxAge / 1000)}`;
    if (check.boolean(hsts?.includeSubDomains, 'strictTransportSecurity.includeSubDomains', true))
      value += '; includeSubDomains';
    if (check.boolean(hsts?.preload, 'strictTransportSecurity.preload', false)) value += '; preload';
    fixed['strict-transport-security'] = value;
  }
  fixed['x-content-type-options'] = 'nosniff';
  const frame = options.frameOptions ?? 'DENY';
  if (frame !== false) fixed['x-frame-options'] = check.oneOf(frame, 'frameOptions', ['DENY', 'SAMEORIGIN'] as const);
  const referrer = options.referrerPolicy ?? 'no-referrer';
  if (referrer !== false) {
    if (!/^[a-z-]+(,\s*[a-z-]+)*$/.test(check.string(referrer, 'referrerPolicy'))) {
      throw invalidOption('referrerPolicy', `expected a policy such as 'no-referrer', got ${JSON.stringify(referrer)}`);
    }
    fixed['referrer-policy'] = referrer;
  }
  const permissions = options.permissionsPolicy ?? defaultPermissions;
  if (permissions !== false) {
    fixed['permissions-policy'] = Object.entries(permissions)
      .map(([feature, allow]) => {
        if (!/^[a-z-]+$/.test(feature) || allow.some((v) => unsafeChars.test(v) || /[()]/.test(v))) {
          throw invalidOption('permissionsPolicy', `bad entry for ${JSON.stringify(feature)}`);
        }
        return `${feature}=(${allow.join(' ')})`;
      })
      .join(', ');
  }
  const coop = options.crossOriginOpenerPolicy ?? 'same-origin';
  if (coop !== false) fixed['cross-origin-opener-policy'] = coop;
  const corp = options.crossOriginResourcePolicy ?? 'same-origin';
  if (corp !== false) fixed['cross-origin-resource-policy'] = corp;
  const coep = options.crossOriginEmbedderPolicy ?? false;
  if (coep !== false) fixed['cross-origin-embedder-policy'] = coep;
  // helmet's legacy set: harmless, and what scanners look for.
  fixed['origin-agent-cluster'] = '?1';
  fixed['x-dns-prefetch-control'] = 'off';
  fixed['x-download-options'] = 'noopen';
  fixed['x-permitted-cross-domain-policies'] = 'none';
  fixed['x-xss-protection'] = '0';

  const cspOption = options.contentSecurityPolicy ?? {};
  let cspName: string | undefined;
  let csp: { before: string; after: string } | string | undefined;
  if (cspOption !== false) {
    const reportOnly = check.boolean(cspOption.reportOnly, 'contentSecurityPolicy.reportOnly', false);
    cspName = reportOnly ? 'content-security-policy-report-only' : 'content-security-policy';
    csp = buildCsp(cspOption.directives, check.boolean(cspOption.nonce, 'contentSecurityPolicy.nonce', true));
  }
  const names = Object.freeze([...Object.keys(fixed), ...(cspName === undefined ? [] : [cspName])]);
  const pairs = Object.entries(fixed);
  // Each nonce-bearing directive gets the same nonce: the policy is kept as the pieces between them.
  const cspParts = typeof csp === 'object' ? [csp.before, ...csp.after.split('\u0000')] : undefined;
  const cspText = typeof csp === 'string' ? csp : undefined;

  function policy(nonce: string): string {
    return (cspParts as string[]).join(nonce);
  }

  return {
    names,
    forResponse() {
      const headers = { ...fixed };
      if (cspName === undefined) return { headers, nonce: undefined };
      if (cspText !== undefined) {
        headers[cspName] = cspText;
        return { headers, nonce: undefined };
      }
      const nonce = newNonce();
      headers[cspName] = policy(nonce);
      return { headers, nonce };
    },
    writeTo(target) {
      for (const [name, value] of pairs) target.setHeader(name, value);
      if (cspName === undefined) return undefined;
      if (cspText !== undefined) {
        target.setHeader(cspName, cspText);
        return undefined;
      }
      const nonce = newNonce();
      target.setHeader(cspName, policy(nonce));
      return nonce;
    },
  };
}

// Random bytes drawn from the system in blocks and handed out 16 at a time: one native call per 256 nonces.
let pool = Buffer.alloc(0);
let offset = 0;

function newNonce(): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const nonce = pool.toString('base64', offset, offset + 16);
  offset += 16;
  return nonce;
}
